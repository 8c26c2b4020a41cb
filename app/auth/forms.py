from wtforms import BooleanField, PasswordField, StringField
from wtforms.validators import DataRequired, Length

from app.forms import ChineseForm


class LoginForm(ChineseForm):
    phone = StringField("手机号", validators=[DataRequired("请输入手机号。"), Length(max=20)])
    password = PasswordField("密码", validators=[DataRequired("请输入密码。"), Length(max=128)])
    remember = BooleanField("在这台手机上保持登录", default=True)


class ChangePasswordForm(ChineseForm):
    current_password = PasswordField(
        "当前密码（首次登录时为初始密码）", validators=[DataRequired("请输入当前密码。")]
    )
    new_password = PasswordField(
        "新密码（至少8位，字母和数字混合）",
        validators=[DataRequired("请输入新密码。"), Length(max=128)],
    )
    confirm_password = PasswordField("再次输入新密码", validators=[DataRequired("请再次输入新密码。")])


class LogoutEverywhereForm(ChineseForm):
    """在所有设备上退出: a button, its CSRF token the only field."""
