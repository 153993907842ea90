#!/usr/bin/python3
"""Edits a DOCX file in LibreOffice itself, as a capital's legal office would in Word.

    /usr/bin/python3 tests/lo/edit_docx.py SOFFICE IN.docx OUT.docx EDITS.json

Starts a headless LibreOffice of its own (a private profile, a private pipe), loads IN,
turns change recording on (unless "record" is false), makes the edits, and saves the
result as DOCX ("MS Word 2007 XML") to OUT. Needs LibreOffice's Python bridge
(python3-uno: scripts/install-libreoffice installs it).

EDITS.json: {"author": "Peru Legal Office", "record": true, "edits": [...]}, each edit one of
  {"op": "replace", "find": "text", "with": "new text"}       the first occurrence of find
  {"op": "delete", "find": "text"}
  {"op": "insert", "after": "text", "text": "more"}            typed right after find
  {"op": "paragraph_after", "find": "text", "text": "a new paragraph"}
  {"op": "comment", "find": "text", "text": "a comment"}
  {"op": "delete_paragraph", "find": "text"}                   the paragraph holding find
Every "find" must occur in the document's visible text, or the script fails (exit 1).
"""

import json
import os
import subprocess
import sys
import tempfile
import time
import uuid

import uno
from com.sun.star.beans import PropertyValue
from com.sun.star.text.ControlCharacter import PARAGRAPH_BREAK


def prop(name, value):
    p = PropertyValue()
    p.Name = name
    p.Value = value
    return p


def start(soffice, profile):
    pipe = "pluma" + uuid.uuid4().hex
    proc = subprocess.Popen(
        [soffice, "-env:UserInstallation=file://" + profile, "--headless", "--invisible", "--norestore",
         "--nologo", "--nodefault", "--accept=pipe,name=%s;urp;" % pipe],
        stdout=subprocess.DEVNULL, stderr=open(os.environ.get("LOLOG","/dev/null"),"w"))
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    deadline = time.time() + 120
    while True:
        try:
            ctx = resolver.resolve("uno:pipe,name=%s;urp;StarOffice.ComponentContext" % pipe)
            return proc, ctx
        except Exception:
            if proc.poll() is not None or time.time() > deadline:
                proc.kill()
                raise SystemExit("LibreOffice did not start")
            time.sleep(0.25)


def set_author(ctx, author):
    provider = ctx.ServiceManager.createInstanceWithContext("com.sun.star.configuration.ConfigurationProvider", ctx)
    access = provider.createInstanceWithArguments(
        "com.sun.star.configuration.ConfigurationUpdateAccess", (prop("nodepath", "/org.openoffice.UserProfile/Data"),))
    access.setPropertyValue("givenname", author)
    access.setPropertyValue("sn", "")
    access.commitChanges()


def find(doc, needle):
    """A cursor selecting the first occurrence of needle in the text (tracked deletions,
    which stay in the document until accepted, count as text: pick needles they lack)."""
    text = doc.getText()
    full = text.getString().replace("\r\n", "\n")
    at = full.find(needle)
    if at < 0:
        raise SystemExit("not found in the document: %r" % needle)
    # Fields (a comment's anchor) take a place among the cursor's steps but none in the
    # string: step further until the selection reads as the needle.
    for shift in range(0, 64):
        cursor = text.createTextCursor()
        cursor.gotoStart(False)
        cursor.goRight(at + shift, False)
        cursor.goRight(len(needle), True)
        if cursor.getString().replace("\r\n", "\n") == needle:
            return cursor
    raise SystemExit("could not select %r" % needle)


def edit(doc, e):
    text = doc.getText()
    op = e["op"]
    if op == "replace":
        find(doc, e["find"]).setString(e["with"])
    elif op == "delete":
        find(doc, e["find"]).setString("")
    elif op == "insert":
        at = find(doc, e["after"])
        cursor = text.createTextCursorByRange(at.getEnd())
        text.insertString(cursor, e["text"], False)
    elif op == "paragraph_after":
        at = find(doc, e["find"])
        cursor = text.createTextCursorByRange(at.getEnd())
        cursor.gotoEndOfParagraph(False)
        text.insertControlCharacter(cursor, PARAGRAPH_BREAK, False)
        text.insertString(cursor, e["text"], False)
    elif op == "comment":
        at = find(doc, e["find"])
        note = doc.createInstance("com.sun.star.text.textfield.Annotation")
        note.Author = e.get("author", "")
        note.Content = e["text"]
        text.insertTextContent(at, note, True)
    elif op == "delete_paragraph":
        at = find(doc, e["find"])
        cursor = text.createTextCursorByRange(at.getStart())
        cursor.gotoStartOfParagraph(False)
        cursor.gotoEndOfParagraph(True)
        cursor.goRight(1, True)
        cursor.setString("")
    else:
        raise SystemExit("unknown edit %r" % op)


def main():
    soffice, src, dst, edits_file = sys.argv[1:5]
    with open(edits_file, encoding="utf-8") as f:
        spec = json.load(f)
    with tempfile.TemporaryDirectory() as profile:
        proc, ctx = start(soffice, profile)
        desktop = None
        try:
            if spec.get("author"):
                set_author(ctx, spec["author"])
            desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
            # A document without a view: headless LibreOffice 7.4 without its GUI files
            # (libreoffice-writer-nogui) aborts when a view draws a comment.
            doc = ctx.ServiceManager.createInstanceWithContext("com.sun.star.text.TextDocument", ctx)
            doc.load((prop("URL", uno.systemPathToFileUrl(os.path.abspath(src))), prop("FilterName", "MS Word 2007 XML")))
            try:
                doc.RecordChanges = bool(spec.get("record", True))
                for e in spec.get("edits", []):
                    edit(doc, e)
                doc.storeToURL(uno.systemPathToFileUrl(os.path.abspath(dst)), (prop("FilterName", "MS Word 2007 XML"),))
            finally:
                doc.close(True)
        finally:
            try:
                if desktop is not None:
                    desktop.terminate()
            except Exception:
                pass
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


if __name__ == "__main__":
    main()
