from django.http import HttpResponse

from accounts.permissions import patient_required


@patient_required
def home(request):
    return HttpResponse("learn")


@patient_required
def questions(request):
    return HttpResponse("questions")


@patient_required
def summary(request):
    return HttpResponse("summary")


@patient_required
def lesson_detail(request, module_slug, lesson_slug):
    return HttpResponse("lesson")
