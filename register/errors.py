class DomainError(Exception):
    """A rule of the domain refused a change. The message is shown to the user as it is.

    `field` names the form or API field the message belongs next to, when there is
    one; `errors` carries every field's messages when validation found several.
    """

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        errors: dict[str | None, list[str]] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.errors = errors or {field: [message]}
