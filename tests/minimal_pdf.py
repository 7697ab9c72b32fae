"""Hand-made PDFs for the readers' edge cases: numbered objects, a cross-reference table and a trailer."""

from __future__ import annotations


def pdf_from_objects(objs: list[bytes], info: int | None = None) -> bytes:
    """A PDF of these objects (1 is the catalogue); `info`: the number of the document-information object."""
    out, offs = bytearray(b"%PDF-1.4\n"), []
    for i, o in enumerate(objs, 1):
        offs.append(len(out))
        out += b"%d 0 obj\n" % i + o + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1) + b"".join(b"%010d 00000 n \n" % o for o in offs)
    info_ref = b" /Info %d 0 R" % info if info else b""
    out += b"trailer\n<< /Size %d /Root 1 0 R%s >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, info_ref, xref)
    return bytes(out)
