from django import forms

from kaffebro.notifications.models import NotificationPreferences


class NotificationSettingsForm(forms.Form):
    email_notifications = forms.BooleanField(
        label=NotificationPreferences._meta.get_field("email_notifications").verbose_name,
        help_text=NotificationPreferences._meta.get_field("email_notifications").help_text,
        required=False,
    )
