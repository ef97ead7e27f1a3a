"""review14h: pypdf quotes up to 80 of the file's bytes in an error ("Invalid Elementary Object starting with ...
@N: b'...'"); when they hold both quote characters Python writes the repr with escaped quotes inside, and the
quoted-name masking stopped at the first escaped one: a name written in the PDF showed in the detail."""

from __future__ import annotations

from pypdf.errors import PdfReadError

from scanner.inspectors.archive_members import error_reason


def test_bytes_quoted_with_escaped_quotes_are_masked() -> None:
    data = b'x (Yamada Taro\'s "list") /F (Suzuki Hanako) more'
    _, text = error_reason(PdfReadError(f"Invalid Elementary Object starting with b'o' @5620: {data!r}"))
    assert "Suzuki" not in text and "Yamada" not in text, text
    assert text.startswith("PdfReadError: Invalid Elementary Object"), text
    _, text = error_reason(OSError("cannot open 'Yamada\\'s list.csv' here"))
    assert "Yamada" not in text and text.endswith("here"), text
