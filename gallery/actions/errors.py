"""The errors a gallery change raises: a code and a short message a child or teacher can read."""


class GalleryError(Exception):
    """A change that cannot happen, with a short message a child or teacher can read."""

    status = 400

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


class NotAllowed(GalleryError):
    """The person asking may not make this change."""

    status = 403


class Conflict(GalleryError):
    """The change clashes with what is already there (a second star, a second entry)."""

    status = 409
