"""review20x: defects found reviewing xml20 (Office flat XML, value-named and coded XML records).

People are Faker ja_JP with a fixed seed (tests.xml19_data via tests.test_xml20); nothing here is real.
"""

from __future__ import annotations

import os
import tracemalloc

from scanner.doctables import flat_objects
from tests.test_xml20 import MAIN_TYPE, _document, flat

OBJECT = os.urandom(4 << 20)  # an embedded OLE object's bytes (random: nothing to read, only to hold)
BIG = flat([("/word/document.xml", MAIN_TYPE, _document(table=False)),
            ("/word/embeddings/oleObject1.bin", "application/vnd.openxmlformats-officedocument.oleObject", OBJECT)])


def test_a_large_object_in_base64_is_not_held_several_times() -> None:
    """A flat XML part's base64 (76 letters a line) was cut out of the file, its line ends removed by a regex
    substitution (one bytes object a line, then joined): ~7 times the object's size at its peak (1 GB for a 130 MB
    object in a 184 MB file). Decoded from the file's own bytes, the object is held once."""
    tracemalloc.start()
    try:
        objects = [(name, len(body), why) for name, body, why in flat_objects(BIG, 1 << 30)]
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert objects == [("word/embeddings/oleObject1.bin", len(OBJECT), None)]
    assert peak < 2 * len(OBJECT), peak
