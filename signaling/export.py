"""Background export of a recording as one composed video (see ``composer.py``).

The composition runs in a child process, so its decoding and encoding never take
CPU from the event loop that forwards media; its progress lines are relayed here
and polled by the requester over HTTP.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

logger = logging.getLogger(__name__)


@dataclass
class ExportJob:
    job_id: str
    consultation_id: str
    recording_id: str
    requested_by: str
    output: Path
    state: Literal["running", "done", "failed"] = "running"
    progress: float = 0.0
    error: str | None = None

    def describe(self) -> dict[str, object]:
        return {
            "job_id": self.job_id,
            "consultation_id": self.consultation_id,
            "recording_id": self.recording_id,
            "requested_by": self.requested_by,
            "state": self.state,
            "progress": self.progress,
            "error": self.error,
        }


class Exporter:
    """Runs export jobs and remembers them (until the server stops)."""

    def __init__(self, root: Path, studies: Path) -> None:
        self.root = root
        self._studies = studies
        self.jobs: dict[str, ExportJob] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    def start(
        self, folder: Path, consultation_id: str, recording_id: str, requested_by: str
    ) -> ExportJob:
        job_id = uuid.uuid4().hex
        output = self.root / consultation_id / f"{recording_id}-{job_id[:8]}.webm"
        job = ExportJob(job_id, consultation_id, recording_id, requested_by, output)
        self.jobs[job_id] = job
        task = asyncio.ensure_future(self._run(job, folder))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return job

    async def _run(self, job: ExportJob, folder: Path) -> None:
        job.output.parent.mkdir(parents=True, exist_ok=True)
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "signaling.composer",
            str(folder),
            str(job.output),
            "--studies",
            str(self._studies / job.consultation_id),
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        try:
            assert process.stdout is not None and process.stderr is not None
            while line := await process.stdout.readline():
                try:
                    job.progress = float(json.loads(line)["progress"])
                except (ValueError, KeyError, TypeError):
                    continue
            errors = await process.stderr.read()
            if await process.wait() == 0:
                job.state = "done"
            else:
                job.state, job.error = "failed", "the composition failed; see the server log"
                logger.error("export %s failed: %s", job.job_id, errors.decode()[-2000:])
        except asyncio.CancelledError:
            process.kill()
            await process.wait()
            job.state, job.error = "failed", "the server stopped"
            raise

    async def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
