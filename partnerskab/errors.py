"""What can fail while one agreement is rendered. A module of its own, importing nothing, so
that the build's parent process (pipeline.py, workers.py) and pandoc_server.py can use these
without loading the render machinery."""


class RenderError(Exception):
    """Pandoc or Typst failed on one agreement; the message says which and why."""


class MissingGlyph(RenderError):
    """The PDF fonts cannot show some text. PDF/A forbids a blank box in its place, so Typst
    stops; the pipeline then points the person at the YAML value that holds the text."""

    def __init__(self, text: str):
        super().__init__(text)
        self.text = text
