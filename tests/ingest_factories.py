"""Files for the ingest tests, made in the test rather than stored: .docx with python-docx, a text
PDF written byte by byte (no PDF library writes text), zips with the standard library."""

from __future__ import annotations

import io
import zipfile

from narratives.models import Article, SegmentKind

STORY = (
    "Harbour reopens after the storm\n\n"
    "January 9 2022\n\n"
    "By Mira Holt\n\n"
    "The harbour at Veltria reopened on Tuesday after a three-day closure, the port authority said.\n\n"
    "Dr. Anja Weiss, who heads the authority, said 3.5 million tonnes of cargo had been delayed. "
    "“We expect normal traffic by Friday,” she said.\n\n"
    "Leave a Reply"
)


def make_docx(paragraphs: list[tuple[str, str]]) -> bytes:
    """(style, text) pairs; style "" for body text, "Title" or "Heading 2" for those."""
    import docx

    document = docx.Document()
    for style, text in paragraphs:
        document.add_paragraph(text, style=style or None)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def make_pdf(lines: list[str]) -> bytes:
    """A one-page PDF with the lines in Helvetica, its xref offsets computed (ASCII text only)."""
    escaped = [line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") for line in lines]
    content = "BT /F1 11 Tf 14 TL 72 740 Td " + " ".join(f"({line}) Tj T*" for line in escaped) + " ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        "/Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(content)} >>\nstream\n{content}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{offset:010d} 00000 n \n" for offset in offsets).encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return out


def make_zip(members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def kinds_of(article: Article) -> dict[str, str]:
    """Segment text → kind, for assertions that read like the article."""
    return {s.text: s.kind for s in article.segments.all()}


def texts_of_kind(article: Article, kind: SegmentKind) -> list[str]:
    return list(article.segments.filter(kind=kind).order_by("order").values_list("text", flat=True))


def assert_offsets_exact(article: Article) -> None:
    """The invariant every highlight relies on, checked on the stored rows."""
    article.refresh_from_db()
    previous_end = 0
    for segment in article.segments.order_by("order"):
        assert article.clean_text[segment.start : segment.end] == segment.text, segment
        assert previous_end <= segment.start < segment.end, segment
        previous_end = segment.end
