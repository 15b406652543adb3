"""Named errors: the CLI turns them into one clean line, the UI into a readable message."""


class RagError(Exception):
    """Base class for every error this project raises on purpose."""


class TranscriptError(RagError):
    """A transcript file is missing, unreadable or malformed (the message names file and line)."""


class QuestionError(RagError):
    """The question is empty or otherwise unusable."""


class IndexStoreError(RagError):
    """An index on disk is corrupt or does not match what was asked for."""


class ModelError(RagError):
    """A model could not be found, assembled, verified or loaded."""


class LibraryError(RagError):
    """The transcript library could not be read or changed."""


class EvalError(RagError):
    """An evaluation file is malformed."""


class SettingsError(RagError, ValueError):
    """A setting has a value that cannot work (the message names it)."""
