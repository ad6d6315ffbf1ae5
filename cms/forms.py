"""Forms of the Wagtail site. Image uploads lose their metadata before they are stored."""

from pathlib import Path

from django.core.files.base import ContentFile
from wagtail.images.forms import BaseImageForm

from directory.uploads import clean_picture


class CleanImageForm(BaseImageForm):
    """Wagtail's image form; every uploaded file is re-encoded without EXIF (GPS included)."""

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if not upload or "file" not in self.changed_data:
            return upload
        picture = clean_picture(upload)
        return ContentFile(picture.content, name=f"{Path(upload.name).stem}.{picture.extension}")
