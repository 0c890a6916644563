from django.urls import path

from . import (activity, attachments, bulk, comments, custom_fields, customers, export, followers, macros, merging, reports,
               satisfaction, saved_views, tags, time_tracking, trends, views)

urlpatterns = [
    path("tickets", views.TicketList.as_view()),
    path("tickets/bulk", bulk.BulkUpdate.as_view()),
    path("tickets/export.csv", export.ExportTickets.as_view()),
    path("tickets/<int:number>", views.TicketDetail.as_view()),
    path("tickets/<int:number>/merge", merging.MergeTicket.as_view()),
    path("tickets/<int:number>/rating", satisfaction.TicketRating.as_view()),
    path("tickets/<int:number>/macros/<int:macro_id>", macros.ApplyMacro.as_view()),
    path("tickets/<int:number>/followers", followers.Followers.as_view()),
    path("tickets/<int:number>/time", time_tracking.TicketTime.as_view()),
    path("tickets/<int:number>/fields", custom_fields.TicketFields.as_view()),
    path("fields", custom_fields.Fields.as_view()),
    path("macros", macros.Macros.as_view()),
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
    path("reports/satisfaction", satisfaction.SatisfactionReport.as_view()),
    path("reports/time", time_tracking.TimeReport.as_view()),
    path("reports/trends", trends.Trends.as_view()),
]
