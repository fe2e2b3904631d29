from django.http import HttpResponse

from accounts.permissions import clinic_staff_required


@clinic_staff_required
def dashboard(request):
    return HttpResponse("clinic")
