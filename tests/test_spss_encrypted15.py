"""Statistics data files ending as nothing under other names (session 15, review14i): SPSS, Stata and SAS data
files saved as .dat, .bin or without an extension, and SAS CPORT transport files."""

from __future__ import annotations

from pathlib import Path

from tests.test_wild13 import _scan


def test_statistics_data_files_under_other_names_and_sas_cport_are_listed(tmp_path: Path) -> None:
    """review14i: an SPSS, Stata or SAS data file saved as survey.dat, export.bin or without an extension ended as
    nothing (listed by its name only), and so did a SAS CPORT transport file (``**COMPRESSED** **COMPRESSED**``,
    named .xpt too). By their magics (the strong ones only: SPSS's product string mark after $FL2/$FL3, Stata 13+'s
    ``<stata_dta>``, SAS7BDAT's 32 bytes, the XPORT/CPORT headers) they are listed like the named ones; bytes
    starting $FL2 without SPSS's product string (a game's save) are not."""
    from tests.test_wild14 import SAS7BDAT_MAGIC

    spss = b"$FL2@(#) SPSS DATA FILE MS Windows 22.0.0.0" + bytes(200)
    files = {"survey.dat": spss, "survey": b"$FL2@(#) IBM SPSS STATISTICS 64-bit MS Windows 25.0.0.0" + bytes(200),
             "panel.bin": b"<stata_dta><header><release>118</release><byteorder>LSF</byteorder>" + bytes(200),
             "patients.dat": SAS7BDAT_MAGIC + bytes(300),
             "cport.xpt": b"**COMPRESSED** **COMPRESSED** **COMPRESSED** **COMPRESSED** **COMPRESSED********" + bytes(200),
             "transport.dat": b"HEADER RECORD*******LIBRARY HEADER RECORD!!!!!!!000000000000000000000000000000  "
                              + bytes(200),
             "slot1.dat": b"$FL2" + bytes(range(250))}
    findings = _scan(tmp_path, files)
    listed = {s["path"].split("/")[-1]: (s["reason"], s["detail_codes"][0]["code"]) for s in findings["skipped"]}
    # read by pyreadstat (tests/test_statsdata15.py): these are headers without a body, so corrupt; CPORT has no reader
    assert listed == {**dict.fromkeys(("survey.dat", "survey", "panel.bin", "patients.dat", "transport.dat"),
                                      ("corrupt", "stats-unreadable")),
                      "cport.xpt": ("unsupported", "unread-table-format")}, listed
