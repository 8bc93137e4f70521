"""Releasing records: redactions applied by rasterising, the leak check, the release bundle.

PDF work uses pikepdf (MPL-2.0, over qpdf), poppler-utils and Tesseract; PyMuPDF is AGPL and
would put the whole service under the AGPL's network clause, so it is not used.
"""
