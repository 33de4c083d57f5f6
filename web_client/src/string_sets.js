/** The string dictionaries of the desk's page families, beside the call pages' own. */

import { ADMIN_STRINGS } from "./strings_admin.js";
import { CASE_STRINGS } from "./strings_cases.js";
import { DESK_STRINGS } from "./strings_desk.js";
import { HOSPITAL_STRINGS } from "./strings_hospital.js";

export const STRING_SETS = [DESK_STRINGS, CASE_STRINGS, HOSPITAL_STRINGS, ADMIN_STRINGS];
