"""Open a password-protected workbook with the examiner's passwords (msoffcrypto-tool).

Runs in the parser worker (scanner.isolation), since msoffcrypto-tool parses untrusted bytes. Excel's
published default password is tried first (Excel opens such workbooks without asking), then every entry
of ``--password-file`` in order. Says which entry fitted, never the password; a wrong password is
recognised by the file's own verifier (agile and standard OOXML encryption, RC4 and CryptoAPI .xls).
"""

from __future__ import annotations

import io

from .codes import Status
from .errors import ReadError, error_name
from .passwords import EXCEL_DEFAULT_ENTRY, EXCEL_DEFAULT_PASSWORD, entries

# The entry that opened the last workbook in this process: offices reuse one password, and each wrong try of
# an agile-encrypted workbook costs 100,000 SHA-512 rounds
_last_fit: dict[str, int] = {}


def unlock_workbook(data: bytes, passwords: tuple[str, ...]) -> tuple[bytes, int]:
    """(decrypted bytes, entry that opened it; 0 = Excel's default password). ReadError ``encrypted`` when no
    password fits, ``corrupt`` when the encryption itself is damaged or of a kind msoffcrypto-tool cannot read."""
    import msoffcrypto
    from msoffcrypto.exceptions import FileFormatError, InvalidKeyError
    from msoffcrypto.format.ooxml import OOXMLFile

    tried = 0
    for entry, password in [(EXCEL_DEFAULT_ENTRY, EXCEL_DEFAULT_PASSWORD), *entries(passwords, _last_fit.get("book"))]:
        tried += 1
        try:
            office = msoffcrypto.OfficeFile(io.BytesIO(data))
            if isinstance(office, OOXMLFile):
                office.load_key(password=password, verify_password=True)
            else:  # .xls: load_key checks the password against the file's verifier itself
                office.load_key(password=password)
            plain = io.BytesIO()
            office.decrypt(plain)
        except InvalidKeyError:
            continue
        except FileFormatError:  # an encryption msoffcrypto-tool does not read (Excel 5/95): not damage
            raise ReadError(Status.ENCRYPTED, "password-protected workbook: this kind of encryption cannot be "
                            "opened here (passwords not tried)") from None
        except Exception as e:  # noqa: BLE001 - a damaged or unsupported encryption header is data
            raise ReadError(Status.CORRUPT, f"password-protected workbook: msoffcrypto-tool {error_name(e)}") from None
        _last_fit["book"] = entry
        return plain.getvalue(), entry
    given = tried - 1
    raise ReadError(Status.ENCRYPTED, "password-protected workbook: "
                    + (f"none of the {given} passwords of --password-file opens it" if given
                       else "no --password-file given"))
