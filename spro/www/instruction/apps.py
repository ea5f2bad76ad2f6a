from django.apps import AppConfig


class InstructionConfig(AppConfig):
    name = "spro.www.instruction"
    label = "www_instruction"
