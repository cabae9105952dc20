"""Pages of the ui package, by role (see app.roles): the rich-text preview, for those who configure."""
from app import roles as R

PERMISSIONS = {R.REFERENT: [("RichTextPreviewView", "can_preview")]}
