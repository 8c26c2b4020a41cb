"""A reportlab canvas that writes each finished page to the output at once.

reportlab's Canvas keeps every page (its content stream, its images) in memory until
``save()``, so memory grows with the number of pages: about 6 KB a certificate page, 30 MB
for 5,000. ``StreamingCanvas`` writes a page's objects (page dictionary, content stream,
images, forms) to ``out`` as soon as the page is shown and keeps only their file offsets;
what can only be written at the end (the page tree, the font dictionary, the embedded font
subsets, which depend on every character used, catalog and info) is written by ``save()``,
followed by the cross-reference table. PDF allows objects in any order, so the file is an
ordinary PDF.

This relies on reportlab's PDFDocument internals (object registry, ``PDFIndirectObject``),
which is why reportlab is pinned; tests read the result back with pypdf and poppler.
"""
from reportlab.pdfbase import pdfdoc
from reportlab.pdfgen.canvas import Canvas

# Objects complete once their page (or form) is finished: safe to write at once.
_SAFE = (pdfdoc.PDFPage, pdfdoc.PDFStream, pdfdoc.PDFImageXObject, pdfdoc.PDFFormXObject)


class _Written:
    """Stands in for a written object in the registry. drawImage() reads the size of an
    image it has seen before from here, and needs it to be truthy."""
    __slots__ = ("width", "height")

    def __init__(self, obj):
        self.width = getattr(obj, "width", 0)
        self.height = getattr(obj, "height", 0)


class StreamingCanvas(Canvas):
    """A Canvas on a writable binary file object ``out`` (a file, a response stream);
    ``save()`` finishes the file. Memory stays flat however many pages are drawn."""

    def __init__(self, out, **kwargs):
        super().__init__(out, **kwargs)
        self._out = out
        self._offset = 0
        self._next_object = 1  # first object number not looked at yet
        self._deferred: list[int] = []
        self._pages_written = 0
        self._write(pdfdoc.PDFFile(self._doc._pdfVersion).format(self._doc))  # the header

    def _write(self, data: bytes) -> None:
        self._out.write(data)
        self._offset += len(data)

    def _write_object(self, number: int) -> None:
        doc = self._doc
        name = doc.numberToId[number]
        obj = doc.idToObject[name]
        doc.idToOffset[name] = self._offset
        self._write(pdfdoc.PDFIndirectObject(name, obj).format(doc))
        doc.idToObject[name] = _Written(obj)

    def showPage(self):
        super().showPage()
        doc = self._doc
        number = self._next_object
        while number <= doc.objectcounter:  # formatting a page registers its content stream
            if isinstance(doc.idToObject[doc.numberToId[number]], _SAFE):
                self._write_object(number)
            else:
                self._deferred.append(number)
            number += 1
        self._next_object = number
        pages = doc.Pages.pages
        for index in range(self._pages_written, len(pages)):
            pages[index] = pdfdoc.PDFObjectReference(pages[index].__InternalName__)
        self._pages_written = len(pages)

    def save(self):
        if len(self._code) or not self._pages_written:
            self.showPage()
        doc = self._doc
        for font in doc.delayedFonts:
            font.addObjects(doc)
        doc.info.invariant = doc.invariant
        doc.info.digest(doc.signature)
        catalog, info = doc.Reference(doc.Catalog), doc.Reference(doc.info)
        doc.Outlines.prepare(doc, self)
        if doc.Outlines.ready < 0:
            doc.Catalog.Outlines = None
        doc.encrypt.prepare(doc)
        for number in self._deferred:
            self._write_object(number)
        number = self._next_object
        while number <= doc.objectcounter:
            self._write_object(number)
            number += 1
        count = doc.objectcounter
        xref = pdfdoc.PDFCrossReferenceTable()
        xref.addsection(0, [doc.numberToId[n] for n in range(1, count + 1)])
        xref_offset = self._offset
        self._write(xref.format(doc))
        trailer = pdfdoc.PDFTrailer(startxref=xref_offset, Size=count + 1, Root=catalog, Info=info,
                                    ID=doc.ID())
        self._write(trailer.format(doc))
        if hasattr(self._out, "flush"):
            self._out.flush()
