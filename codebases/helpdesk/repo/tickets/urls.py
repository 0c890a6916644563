from django.urls import path

from . import activity, attachments, comments, customers, reports, saved_views, tags, views

urlpatterns = [
    path("tickets", views.TicketList.as_view()),
    path("tickets/<int:number>", views.TicketDetail.as_view()),
    path("tickets/<int:number>/comments", comments.Comments.as_view()),
    path("tickets/<int:number>/tags", tags.TicketTags.as_view()),
    path("tickets/<int:number>/attachments", attachments.Attachments.as_view()),
    path("tickets/<int:number>/activity", activity.ActivityList.as_view()),
    path("tags", tags.TagList.as_view()),
    path("customers/<int:member_id>", customers.CustomerDetail.as_view()),
    path("views", saved_views.SavedViews.as_view()),
    path("views/<int:view_id>", saved_views.SavedViewDetail.as_view()),
    path("views/<int:view_id>/tickets", saved_views.SavedViewTickets.as_view()),
    path("reports/sla", reports.SlaReport.as_view()),
    path("reports/workload", reports.WorkloadReport.as_view()),
]
