"""What can fail while one agreement is rendered. A module of its own, importing nothing, so
that the build's parent process (pipeline.py, workers.py) and pandoc_server.py can use these
without loading the render machinery."""


class RenderError(Exception):
    """Pandoc or Typst failed on one agreement; the message says which and why. With a `key`,
    the reason is a message of messages.BUILD, told in the agreement's language (reason())."""

    def __init__(self, message: str, key: str | None = None, **params):
        super().__init__(message)
        self.key, self.params = key, params

    def __reduce__(self):  # sent from a worker to the parent: keep the key and its values
        return _restore, (type(self), self.args, self.__dict__)

    def reason(self, lang: str) -> str:
        if not self.key:
            return str(self)
        from .i18n import Formats
        from .messages import BUILD

        params = {k: Formats(lang).number(v) if isinstance(v, float) else v for k, v in self.params.items()}
        return BUILD[lang][self.key].format(**params)


class MissingGlyph(RenderError):
    """The PDF fonts cannot show some text. PDF/A forbids a blank box in its place, so Typst
    stops; the pipeline then points the person at the YAML value that holds the text."""

    def __init__(self, text: str):
        super().__init__(text)
        self.text = text


def _restore(cls, args, state):
    error = cls.__new__(cls)
    Exception.__init__(error, *args)
    error.__dict__.update(state)
    return error
