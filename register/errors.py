class DomainError(Exception):
    """A rule of the domain refused a change. The message is shown to the user as it is.

    `field` names the form or API field the message belongs next to, when there is one.
    """

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
