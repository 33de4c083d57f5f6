"""Decoding pixel data, through permissively licensed decoders only.

pydicom 3 decodes uncompressed, Deflated and RLE data by itself; every other
transfer syntax needs a plugin, and the licence of the plugin decides whether
this Apache-2.0 server may use it:

=============  ===================================  ==================  =======================
pydicom name   package                              licence             used here for
=============  ===================================  ==================  =======================
``pydicom``    pydicom                              MIT                 RLE Lossless
``gdcm``       python-gdcm (the project depends     Apache-2.0 wheel,   JPEG baseline/extended/
               on it)                               GDCM itself BSD-3   lossless (incl. SV1, the
                                                                        usual PACS export),
                                                                        JPEG-LS, JPEG 2000
``pylibjpeg``  pylibjpeg + pylibjpeg-openjpeg       MIT (OpenJPEG       JPEG 2000, HTJ2K, RLE:
               or pylibjpeg-rle, if installed       BSD-2)              only these
``pillow``     pillow (already a dependency)        MIT-CMU             JPEG baseline, JPEG 2000
=============  ===================================  ==================  =======================

``pylibjpeg`` is never used for JPEG or JPEG-LS: for those it hands the data to
pylibjpeg-libjpeg, which is GPL-3.0 and would bind the whole server to that licence.
"""

from __future__ import annotations

import numpy as np
from pydicom.dataset import Dataset
from pydicom.pixels import get_decoder
from pydicom.uid import (
    HTJ2K,
    JPEG2000,
    UID,
    HTJ2KLossless,
    HTJ2KLosslessRPCL,
    JPEG2000Lossless,
    RLELossless,
)

from .errors import NoPixelDataError, TruncatedDicomError, UnsupportedTransferSyntaxError

PLUGIN_PREFERENCE = ("pydicom", "gdcm", "pylibjpeg", "pillow")
"""Decoders in the order tried; gdcm before pillow, which mishandles some signed J2K."""
_WITHOUT_LIBJPEG = frozenset(
    {JPEG2000Lossless, JPEG2000, HTJ2KLossless, HTJ2KLosslessRPCL, HTJ2K, RLELossless}
)
"""Transfer syntaxes for which pylibjpeg's backend is OpenJPEG or its RLE plugin."""


def permitted_plugins(syntax: UID) -> tuple[str, ...]:
    """The pydicom decoding plugins this server may use for ``syntax``, best first."""
    return tuple(p for p in PLUGIN_PREFERENCE if p != "pylibjpeg" or syntax in _WITHOUT_LIBJPEG)


def decode_pixels(dataset: Dataset) -> np.ndarray:
    """Stored pixel values, shape (rows, columns) or (frames, rows, columns).

    Raises :class:`UnsupportedTransferSyntaxError` when no permitted decoder for the
    data's transfer syntax is installed, :class:`TruncatedDicomError` when the data
    does not decode.
    """
    if "PixelData" not in dataset:
        raise NoPixelDataError("the object contains no image")
    syntax = UID(dataset.file_meta.get("TransferSyntaxUID", ""))
    try:
        decoder = get_decoder(syntax)
    except NotImplementedError:
        raise UnsupportedTransferSyntaxError(
            f"no decoder exists for transfer syntax {syntax.name or 'unknown'}"
        ) from None
    plugin = ""
    if syntax.is_compressed:
        available = decoder.available_plugins
        plugin = next((p for p in permitted_plugins(syntax) if p in available), "")
        if not plugin:
            raise UnsupportedTransferSyntaxError(
                f"no installed decoder that this server may use reads {syntax.name}"
            )
    try:
        pixels, _ = decoder.as_array(dataset, decoding_plugin=plugin)
    except (ValueError, RuntimeError, EOFError, AttributeError, KeyError) as exc:
        raise TruncatedDicomError(
            f"the pixel data is damaged or cut short ({type(exc).__name__})"
        ) from None
    return pixels
