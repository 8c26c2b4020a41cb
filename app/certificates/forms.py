"""Forms of the certificate pages. They parse; the rules are in the services."""
from flask_wtf.file import FileField
from wtforms import HiddenField, StringField, TextAreaField
from wtforms.validators import AnyOf, Optional

from app.forms import ChineseForm

from .constants import KINDS


class KindForm(ChineseForm):
    """Issue or print one kind of certificate (a button with the kind in a hidden field)."""

    kind = HiddenField(validators=[AnyOf(KINDS)])


class WordingForm(ChineseForm):
    title = StringField("证书标题", description="如：结业证书、荣誉证书")
    body = TextAreaField("证书正文", description="用 {姓名}、{活动名称} 这样的占位符填入每个人的内容。"
                         "第一行以「：」结尾时作为称呼单独一行。")
    issuer = StringField("发证单位", description="印在落款处，如：中共某某市直属机关工作委员会")


class SealForm(ChineseForm):
    seal = FileField("印章或签名图片（PNG）", description="透明背景的 PNG 最好，不超过 2 MB；"
                     "上传后新发放的证书才会带上它。")


class RevokeForm(ChineseForm):
    reason = TextAreaField("撤销原因", validators=[Optional()],
                           description="持证人在「我的证书」里能看到原因，公开查验页面不显示。")


class VerifyForm(ChineseForm):
    class Meta:
        csrf = False

    code = StringField("验证码", validators=[Optional()])
