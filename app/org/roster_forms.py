"""Forms of the roster import pages. The file's content is checked by roster.read_roster()."""
from flask_wtf.file import FileField, FileRequired

from app.forms import ChineseForm


class UploadForm(ChineseForm):
    file = FileField(
        "花名册文件（Excel .xlsx 或 CSV）",
        validators=[FileRequired("请选择要上传的花名册文件。")],
    )


class ConfirmForm(ChineseForm):
    """The 「确认导入」 button: a POST with its CSRF token, nothing else."""
