"""Open a password-protected workbook with the examiner's passwords (msoffcrypto-tool).

Runs in the parser worker (scanner.isolation), since msoffcrypto-tool parses untrusted bytes. Excel's
published default password is tried first (Excel opens such workbooks without asking), then every entry
of ``--password-file`` in order. Says which entry fitted, never the password; a wrong password is
recognised by the file's own verifier (agile and standard OOXML encryption, RC4 and CryptoAPI .xls).
"""

from __future__ import annotations

import io
import re

from .codes import Status
from .details import Detail, say
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

    cipher = _unread_cipher(data)
    if cipher:  # an intact workbook: msoffcrypto-tool would fail inside its AES code, which is no damage
        raise ReadError(Status.ENCRYPTED, say(Detail.CIPHER_NOT_OPENED, cipher=str(cipher)))
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
            raise ReadError(Status.ENCRYPTED, say(Detail.PROTECTED_WORKBOOK,
                                                  why=say(Detail.ENCRYPTION_NOT_OPENED))) from None
        except Exception as e:  # noqa: BLE001 - a damaged or unsupported encryption header is data
            raise ReadError(Status.CORRUPT, say(Detail.PROTECTED_WORKBOOK,
                                                why=say(Detail.DECRYPT_FAILED, error=error_name(e)))) from None
        _last_fit["book"] = entry
        return plain.getvalue(), entry
    given = tried - 1
    why = say(Detail.PASSWORDS_NONE_OPEN, n=given) if given else say(Detail.NO_PASSWORD_FILE)
    raise ReadError(Status.ENCRYPTED, say(Detail.PROTECTED_WORKBOOK, why=why))


_CIPHER = re.compile(rb"""cipherAlgorithm\s*=\s*["']([^"']{1,32})["']""")


def _unread_cipher(data: bytes) -> str | None:
    """The cipher of an agile-encrypted OOXML workbook when it is not AES (Office also writes DES, 3DES, RC2
    when told to: msoffcrypto-tool decrypts AES only and raises a ValueError on the others), else None."""
    import olefile  # a dependency of msoffcrypto-tool

    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            if not ole.exists("EncryptionInfo"):
                return None
            info = ole.openstream("EncryptionInfo").read(1 << 16)
    except Exception:  # noqa: BLE001 - not an OLE2 container (.xls RC4 is in the Workbook stream), or damaged
        return None
    names = {m.decode("ascii", "replace") for m in _CIPHER.findall(info)}
    other = sorted(n for n in names if n.upper() != "AES")
    return ", ".join(other) or None
