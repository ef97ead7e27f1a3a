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


def unlock_workbook(data: bytes, passwords: tuple[str, ...], what: Detail = Detail.PROTECTED_WORKBOOK) -> tuple[bytes, int]:
    """(decrypted bytes, entry that opened it; 0 = Excel's default password). ReadError ``encrypted`` when no
    password fits or the encryption is of a kind msoffcrypto-tool cannot read, ``corrupt`` when the encryption itself
    is damaged. ``what`` says what is protected (a workbook, a document, a presentation: ``protected_kind``)."""
    import msoffcrypto
    from msoffcrypto.exceptions import FileFormatError, InvalidKeyError
    from msoffcrypto.format.ooxml import OOXMLFile

    cipher = _unread_cipher(data)
    if cipher:  # an intact workbook: msoffcrypto-tool would fail inside its AES code, which is no damage
        raise ReadError(Status.ENCRYPTED, say(Detail.CIPHER_NOT_OPENED, cipher=str(cipher)) if what == Detail.PROTECTED_WORKBOOK
                        else say(what, why=say(Detail.CIPHER_NOT_OPENED, cipher=str(cipher))))
    tried = 0
    source = data
    for entry, password in [(EXCEL_DEFAULT_ENTRY, EXCEL_DEFAULT_PASSWORD), *entries(passwords, _last_fit.get("book"))]:
        tried += 1
        fitted = False
        while True:
            try:
                office = msoffcrypto.OfficeFile(io.BytesIO(source))
                if isinstance(office, OOXMLFile):
                    office.load_key(password=password, verify_password=True)
                else:  # .xls: load_key checks the password against the file's verifier itself
                    office.load_key(password=password)
                fitted = True
                plain = io.BytesIO()
                office.decrypt(plain)
                break
            except InvalidKeyError:
                break
            except FileFormatError:  # an encryption msoffcrypto-tool does not read (Excel 5/95): not damage
                raise ReadError(Status.ENCRYPTED, say(what, why=say(Detail.ENCRYPTION_NOT_OPENED))) from None
            except Exception as e:  # noqa: BLE001 - a damaged or unsupported encryption header is data
                if fitted and source is data and (padded := _records_to_the_end(data)) is not None:
                    source = padded  # the Workbook stream padded past its last record: tried once more
                    continue
                if fitted:  # the password fits (the file's own verifier says so): an encrypted workbook, not damage
                    why = (say(Detail.DEFAULT_PASSWORD_NOT_DECRYPTED, error=error_name(e)) if entry == EXCEL_DEFAULT_ENTRY
                           else say(Detail.PASSWORD_FITS_NOT_DECRYPTED, n=entry, error=error_name(e)))
                    raise ReadError(Status.ENCRYPTED, say(what, why=why)) from None
                if _sound_header(_encryption_info(data)):  # an intact EncryptionInfo stream msoffcrypto-tool does not
                    raise ReadError(Status.ENCRYPTED, say(what, why=say(  # take (POI bug53475-password-is-pass.docx:
                        Detail.DECRYPT_NOT_STARTED, error=error_name(e)))) from None  # "Invalid key size (160) for AES")
                raise ReadError(Status.CORRUPT, say(what, why=say(Detail.DECRYPT_FAILED, error=error_name(e)))) from None
        if not fitted:
            continue
        _last_fit["book"] = entry
        return plain.getvalue(), entry
    given = tried - 1
    why = say(Detail.PASSWORDS_NONE_OPEN, n=given) if given else say(Detail.NO_PASSWORD_FILE)
    raise ReadError(Status.ENCRYPTED, say(what, why=why))


def _records_to_the_end(data: bytes) -> bytes | None:
    """A copy of an encrypted .xls whose Workbook stream ends in zero padding shorter than a record header (a writer
    padding the stream to a sector: PhpSpreadsheet's pwtest.xls) with the last record before the padding widened
    over it, so msoffcrypto-tool walks the records to the stream's end (it fails on the short tail); None when the
    stream has no such tail. Only the copy in memory is changed; record headers are not encrypted in BIFF8."""
    import olefile  # a dependency of msoffcrypto-tool

    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            stream = ole.openstream("Workbook").read()
    except Exception:  # noqa: BLE001 - a damaged container: nothing to widen
        return None
    at, last = 0, -1
    while at + 4 <= len(stream):
        last, at = at, at + 4 + int.from_bytes(stream[at + 2:at + 4], "little")
    tail = len(stream) - at
    if last < 0 or not 0 < tail < 4 or any(stream[at:]):
        return None
    size = int.from_bytes(stream[last + 2:last + 4], "little") + tail
    if size > 0xFFFF:
        return None
    widened = bytearray(stream)
    widened[last + 2:last + 4] = size.to_bytes(2, "little")
    copy = io.BytesIO(data)
    try:
        with olefile.OleFileIO(copy, write_mode=True) as ole:
            ole.write_stream("Workbook", bytes(widened))
    except Exception:  # noqa: BLE001 - olefile could not rewrite the copy: nothing to widen
        return None
    return copy.getvalue()


_CIPHER = re.compile(rb"""cipherAlgorithm\s*=\s*["']([^"']{1,32})["']""")


def _encryption_info(data: bytes) -> bytes | None:
    """The first 64 KiB of an OOXML package's EncryptionInfo stream, read whole from a sound compound file, else None
    (not an OLE2 container, .xls RC4 being in the Workbook stream, or a damaged one)."""
    import olefile  # a dependency of msoffcrypto-tool

    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            if not ole.exists("EncryptionInfo"):
                return None
            info: bytes = ole.openstream("EncryptionInfo").read(1 << 16)
    except Exception:  # noqa: BLE001 - not an OLE2 container, or damaged
        return None
    return info


def _sound_header(info: bytes | None) -> bool:
    """Whether an EncryptionInfo stream is whole in the ways MS-OFFCRYPTO sets: a known version; standard encryption's
    header size within the stream; agile encryption's XML read whole, its key data and a key encryptor given
    (review18g: a zeroed or damaged header was said "reads, but msoffcrypto-tool cannot start" as if sound)."""
    if info is None or len(info) < 8:
        return False
    major, minor = int.from_bytes(info[:2], "little"), int.from_bytes(info[2:4], "little")
    if (major, minor) == (4, 4):  # agile: XML after the version and a reserved word
        from lxml import etree

        try:
            root = etree.fromstring(info[8:], etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                                                              huge_tree=False))
        except etree.XMLSyntaxError:
            return False
        key = next((el for el in root if isinstance(el.tag, str) and etree.QName(el).localname == "keyData"), None)
        encryptors = [el for el in root.iter() if isinstance(el.tag, str) and etree.QName(el).localname == "keyEncryptor"]
        return (key is not None and bool(encryptors)
                and all(key.get(a) for a in ("keyBits", "saltValue", "hashAlgorithm", "cipherAlgorithm")))
    if major in (2, 3, 4) and minor == 2 and len(info) >= 12:  # standard: flags, header size, header, verifier
        return 32 <= int.from_bytes(info[8:12], "little") <= len(info) - 12
    return major in (3, 4) and minor == 3  # extensible: a kind msoffcrypto-tool does not read


_PROTECTED_KINDS = (
    (frozenset({".xlsx", ".xlsm", ".xltx", ".xltm", ".xlsb", ".xlam", ".xls", ".xlt", ".xla", ".xlw"}), Detail.PROTECTED_WORKBOOK),
    (frozenset({".docx", ".docm", ".dotx", ".dotm", ".doc", ".dot"}), Detail.PROTECTED_DOCUMENT),
    (frozenset({".pptx", ".pptm", ".ppsx", ".ppsm", ".potx", ".potm", ".ppt", ".pps"}), Detail.PROTECTED_PRESENTATION))


def protected_kind(ext: str) -> Detail:
    """What a password-protected OOXML package named ``ext`` is said to be: its EncryptionInfo does not say (the
    package's own content types are encrypted), so the name tells a workbook, a document or a presentation; any
    other name a neutral Office file (docs18: a protected .docx was listed as a "workbook")."""
    return next((what for exts, what in _PROTECTED_KINDS if ext in exts), Detail.PROTECTED_OFFICE_FILE)


def _unread_cipher(data: bytes) -> str | None:
    """The cipher of an agile-encrypted OOXML workbook when it is not AES (Office also writes DES, 3DES, RC2
    when told to: msoffcrypto-tool decrypts AES only and raises a ValueError on the others), else None."""
    info = _encryption_info(data)
    if info is None:
        return None
    names = {m.decode("ascii", "replace") for m in _CIPHER.findall(info)}
    other = sorted(n for n in names if n.upper() != "AES")
    return ", ".join(other) or None
