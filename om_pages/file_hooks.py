"""Wagtail hooks: a document is served and listed only where its page is (R19, R11).

The rules are in ``om_pages.files``; imported by ``om_pages.wagtail_hooks``.
"""

from django.core.exceptions import PermissionDenied
from wagtail import hooks
from wagtail.documents.api.admin.views import DocumentsAdminAPIViewSet
from wagtail.images.api.admin.views import ImagesAdminAPIViewSet
from wagtail.wagtail_hooks import require_wagtail_login

from om_pages import files


@hooks.register("before_serve_document", order=100)  # after Wagtail's collection restrictions
def serve_only_to_readers(document, request):
    """A document is served only where its page is (``om_pages.files.may_download``)."""
    if files.may_download(document, request):
        return None
    if not request.user.is_authenticated:
        return require_wagtail_login(next=request.get_full_path())
    raise PermissionDenied("Dieses Dokument gehört zu einer Seite, die Sie nicht sehen dürfen.")


class VisibleDocumentsAPIViewSet(DocumentsAdminAPIViewSet):
    """``/admin/api/main/documents/``: only documents of collections the user may see."""

    def get_queryset(self):
        return files.visible_documents_for(self.request.user, super().get_queryset())


class VisibleImagesAPIViewSet(ImagesAdminAPIViewSet):
    """``/admin/api/main/images/``: only images of collections the user may see."""

    def get_queryset(self):
        return files.visible_images_for(self.request.user, super().get_queryset())


@hooks.register("construct_admin_api", order=100)  # after wagtail.documents / wagtail.images
def restrict_admin_api(router):
    router.register_endpoint("documents", VisibleDocumentsAPIViewSet)
    router.register_endpoint("images", VisibleImagesAPIViewSet)
