"""Wagtail messages that Wagtail's own zh_Hans catalogue leaves in English, translated here.

Wagtail 8.0 ships zh_Hans without these (editors saw "Autosave is paused" and "The page could
not be created due to validation errors" in English). Listing them here keeps them in our
catalogue on purpose: `make messages` extracts them from this module, which nothing imports.
When Wagtail translates one itself, tests/academy/test_catalogues.py fails if ours says something
else (our catalogue wins over Wagtail's): then delete the line here and let Wagtail's stand.
Grouped by the Wagtail app that owns the message.
"""

from django.utils.translation import gettext_noop, ngettext_lazy

MESSAGES = [
    # wagtail/admin
    gettext_noop("The page could not be created due to validation errors."),
    gettext_noop("The page could not be saved due to validation errors."),
    gettext_noop("The page could not be saved as it is locked."),
    gettext_noop("The %(model_name)s could not be saved as it is locked"),
    gettext_noop("There are validation errors, click save to highlight them."),
    gettext_noop("Go to the first error"),
    gettext_noop("Saving will overwrite a newer version."),
    gettext_noop("Autosave is paused"),
    gettext_noop("Autosave is <span>paused</span>"),
    gettext_noop("Save your changes before leaving"),
    gettext_noop("Save changes"),
    gettext_noop("You saved a new version in another window"),
    gettext_noop("%(user_name)s saved a new version"),
    gettext_noop("View latest version"),
    gettext_noop("You have unsaved changes in another window"),
    gettext_noop("%(user_name)s has unsaved changes"),
    gettext_noop("Currently idle"),
    gettext_noop("Currently viewing"),
    ngettext_lazy(
        "One other user is currently viewing", "%(num_user)s other users are currently viewing", 1
    ),
    gettext_noop("Proceeding will overwrite the changes you made in that window."),
    gettext_noop("Proceeding will overwrite the changes made by %(user_name)s."),
    gettext_noop("Alternatively, you can view the latest version in a new tab."),
    gettext_noop("A network error occurred"),
    gettext_noop(
        "Troubleshoot your connection to the site before proceeding. Open the editor in a separate tab to view the last saved version."
    ),
    gettext_noop("System"),
    gettext_noop(
        "Preview cannot display due to validation errors. <br /> Click save to highlight the relevant fields."
    ),
    gettext_noop("Correct the validation errors to resume preview (saving will highlight errors)"),
    gettext_noop("Refreshing…"),
    gettext_noop("Refresh"),
    gettext_noop("Placeholder title"),
    gettext_noop("Compare"),
    ngettext_lazy("Moved down 1 place.", "Moved down %(counter)s places.", 1),
    ngettext_lazy("Moved up 1 place.", "Moved up %(counter)s places.", 1),
    gettext_noop("Actions (footer)"),
    gettext_noop("New: %(model_name)s"),
    gettext_noop("Request to create %(model_name)s was blocked by hook."),
    gettext_noop("Request to edit %(model_name)s was blocked by hook."),
    gettext_noop("The slug '%(page_slug)s' is already in use within the parent page."),
    gettext_noop(
        "The slug '%(page_slug)s' is already in use at the selected parent page. Make sure the slug is unique and try again."
    ),
    gettext_noop("The new page will be a child of this given parent page."),
    gettext_noop('You do not have permission to publish pages at "%(page_title)s"'),
    gettext_noop("Choose parent"),
    gettext_noop("Create a new %(model_name)s"),
    gettext_noop("Scheduling…"),
    gettext_noop("Schedule to publish"),
    gettext_noop("Choose when this %(model_name)s should go live and/or expire"),
    gettext_noop("Choose when this page should go live and/or expire"),
    gettext_noop(
        'This publishing schedule will only take effect after you select the "Schedule to publish" option'
    ),
    gettext_noop("Anyone with editing permissions can create schedules"),
    gettext_noop("But only those with publishing permissions can make them effective."),
    gettext_noop("Invalid schedule"),
    gettext_noop("Go-live:"),
    gettext_noop("Once scheduled:"),
    gettext_noop("%(model_name)s '%(object)s' has been scheduled for publishing."),
    gettext_noop("%(model_name)s '%(object)s' created and scheduled for publishing."),
    gettext_noop(
        "%(model_name)s '%(object)s' is live and this version has been scheduled for publishing."
    ),
    gettext_noop("%(model_name)s '%(object)s' updated and published."),
    gettext_noop("%(model_name)s '%(object)s' created and published."),
    gettext_noop("%(model_name)s '%(object)s' has been submitted for moderation."),
    gettext_noop("%(model_name)s '%(object)s' created and submitted for moderation."),
    gettext_noop("%(model_name)s '%(object)s' has been replaced with version from %(timestamp)s."),
    gettext_noop("Version from %(timestamp)s of %(model_name)s '%(object)s' has been published."),
    gettext_noop(
        "Version from %(timestamp)s of %(model_name)s '%(object)s' has been scheduled for publishing."
    ),
    gettext_noop(
        "You are viewing a previous version of this %(model_name)s from <b>%(created_at)s</b> by %(user)s"
    ),
    gettext_noop("%(parent_pages)s and %(child_pages)s have been published"),
    gettext_noop("%(parent_pages)s and %(child_pages)s have been unpublished"),
    gettext_noop("%(parent_pages)s and %(child_pages)s have been deleted"),
    ngettext_lazy(
        "%(num_parent_objects)d page has been published",
        "%(num_parent_objects)d pages have been published",
        1,
    ),
    ngettext_lazy(
        "%(num_parent_objects)d page has been unpublished",
        "%(num_parent_objects)d pages have been unpublished",
        1,
    ),
    ngettext_lazy(
        "%(num_parent_objects)d page has been deleted",
        "%(num_parent_objects)d pages have been deleted",
        1,
    ),
    ngettext_lazy("%(num_parent_objects)d page", "%(num_parent_objects)d pages", 1),
    ngettext_lazy("%(num_child_objects)d child page", "%(num_child_objects)d child pages", 1),
    ngettext_lazy(
        "Deleting this page will also delete %(descendant_count)s child page.",
        "Deleting this page will also delete %(descendant_count)s more child pages.",
        1,
    ),
    ngettext_lazy(
        "This page has one subpage. Unpublish this too",
        "This page has %(live_descendant_count)s subpages. Unpublish these too",
        1,
    ),
    gettext_noop("Publishing this %(model_name)s will cancel the current workflow."),
    gettext_noop("This page is locked, by you, to further editing"),
    gettext_noop("Locked by <b>you</b> at <b>%(locking_date)s</b>"),
    gettext_noop("Locked by <b>%(locked_by)s</b> at <b>%(locking_date)s</b>"),
    gettext_noop("Locking: "),
    gettext_noop("Anyone can edit this %(model_name)s – lock it to prevent others from editing"),
    gettext_noop("Anyone can edit this %(model_name)s"),
    gettext_noop("%(model_name)s '%(title)s' is now unlocked."),
    gettext_noop("Locked by"),
    gettext_noop("Anyone"),
    gettext_noop(
        "This %(model_name)s is currently at <strong>%(task)s</strong> in <strong>%(workflow)s</strong>."
    ),
    gettext_noop(
        "This page is currently at <strong>%(task)s</strong> in <strong>%(workflow)s</strong>."
    ),
    gettext_noop(
        "This page was marked as needing changes at <strong>%(task)s</strong> in <strong>%(workflow)s</strong>."
    ),
    gettext_noop("This %(model_name)s hasn't been submitted for moderation yet"),
    gettext_noop("Workflow on %(model_name)s '%(object)s' has been restarted."),
    gettext_noop("Workflow on %(model_name)s '%(object)s' has been cancelled."),
    gettext_noop("The %(model_name)s '%(title)s' is not currently awaiting moderation."),
    gettext_noop(
        "The %(model_name)s '%(title)s' is not currently awaiting moderation in task '%(task_name)s'."
    ),
    gettext_noop("Changes requested %(finished_at)s"),
    gettext_noop("Sent to %(task_name)s %(started_at)s"),
    gettext_noop("%(status_display)s %(task_name)s %(started_at)s"),
    gettext_noop("Cancelled by %(cancelled_by)s"),
    gettext_noop("To be created by %(user)s"),
    gettext_noop("Your pages and snippets in a workflow"),
    gettext_noop("Show disabled"),
    gettext_noop("By task"),
    gettext_noop("By workflow"),
    gettext_noop("Assign your workflow to snippets"),
    gettext_noop(
        'The %(model_name)s "%(title)s" has been approved in moderation stage "%(task)s".'
    ),
    gettext_noop('The %(model_name)s "%(title)s" has been approved in "%(task)s".'),
    gettext_noop(
        'The %(model_name)s "%(title)s" has been rejected in moderation stage "%(task)s".'
    ),
    gettext_noop('The %(model_name)s "%(title)s" has been rejected during "%(task)s".'),
    gettext_noop(
        'The %(model_name)s "%(title)s" has been submitted for approval in moderation stage "%(task)s".'
    ),
    gettext_noop(
        'The %(model_name)s "%(title)s" has been submitted for approval to moderation stage "%(task)s".'
    ),
    gettext_noop(
        'The %(model_name)s "%(title)s" has been submitted for approval in moderation stage "%(task)s"'
    ),
    gettext_noop("You can preview the %(model_name)s here:"),
    gettext_noop('The %(model_name)s "%(title)s" has been approved in workflow "%(workflow)s".'),
    gettext_noop('The %(model_name)s "%(title)s" has been approved in "%(workflow)s".'),
    gettext_noop(
        'The %(model_name)s "%(title)s" has been rejected during "%(task)s" in workflow "%(workflow)s" by %(rejector)s.'
    ),
    gettext_noop(
        'The %(model_name)s "%(title)s" has been rejected during "%(task)s" in workflow "%(workflow)s".'
    ),
    gettext_noop('The %(model_name)s "%(title)s" has been rejected during "%(workflow)s".'),
    gettext_noop(
        'The %(model_name)s "%(title)s" has been submitted for moderation to workflow "%(workflow)s" by %(requester)s.'
    ),
    gettext_noop(
        'The %(model_name)s "%(title)s" has been submitted for moderation to workflow "%(workflow)s".'
    ),
    gettext_noop('The page "%(title)s" has been submitted to workflow "%(workflow)s"'),
    gettext_noop('The %(model_name)s "%(title)s" has been submitted to workflow "%(workflow)s"'),
    gettext_noop("Status %(status)s"),
    gettext_noop("%(action)s by <b>%(who)s</b> at <b>%(at)s</b>"),
    gettext_noop("%(action)s at <b>%(at)s</b>"),
    gettext_noop("%(action)s by <b>%(who)s</b>"),
    gettext_noop("at %(time)s by %(user_display_name)s"),
    gettext_noop("%(time)s by %(user_display_name)s"),
    gettext_noop("%(time_period)s ago by %(user_display_name)s"),
    gettext_noop("Date updated"),
    gettext_noop("Edited by"),
    gettext_noop("Has child pages"),
    gettext_noop("Any"),
    gettext_noop("Page type"),
    gettext_noop("Exploring"),
    gettext_noop("Privacy and access"),
    gettext_noop("Changing the privacy for this page has been disabled."),
    gettext_noop("Choose who can view the live version of this page"),
    gettext_noop("Privacy is inherited from the ancestor page - %(ancestor_page)s"),
    gettext_noop("Search all pages…"),
    ngettext_lazy("There is one matching page", "There are %(counter)s matching pages", 1),
    gettext_noop("No results across entire site."),
    gettext_noop("No %(model_name)s match your query."),
    gettext_noop(
        'There are no %(model_name)s to display. Why not <a href="%(add_url)s">add one</a>?'
    ),
    gettext_noop("%(field_label)s:"),
    gettext_noop("(blank)"),
    gettext_noop("Sort by '%(label)s' in ascending order."),
    gettext_noop("Sort by '%(label)s' in descending order."),
    gettext_noop("items"),
    gettext_noop("Item %(index)s of %(total)s"),
    gettext_noop("Disable custom ordering"),
    gettext_noop("Enable custom ordering"),
    gettext_noop("Sort item order"),
    gettext_noop("'%(page_title)s' has been moved successfully."),
    gettext_noop("More bulk actions"),
    ngettext_lazy(
        "This %(model_name)s is referenced %(usage_count)s time.",
        "This %(model_name)s is referenced %(usage_count)s times.",
        1,
    ),
    ngettext_lazy("Referenced %(count)s time", "Referenced %(count)s times", 1),
    gettext_noop("One or more references to this %(model_name)s prevent it from being deleted."),
    gettext_noop("If you confirm deletion"),
    gettext_noop("Toggle checks"),
    gettext_noop("Content metrics"),
    gettext_noop("Words"),
    gettext_noop("Reading time"),
    gettext_noop("Readability"),
    gettext_noop("Show issue"),
    gettext_noop("Use server language: %(language_name)s"),
    gettext_noop("Theme preferences"),
    gettext_noop("Shortcuts"),
    gettext_noop("Show keyboard shortcuts"),
    # wagtail
    gettext_noop(
        "The slug '%(page_slug)s' is already in use within the parent page at '%(parent_url_path)s'."
    ),
    gettext_noop("Date cannot be in the future."),
    gettext_noop("- Select an option -"),
    gettext_noop("%(model_name)s scheduled for publishing at %(go_live_at)s"),
    gettext_noop("%(model_name)s scheduled for publishing"),
    gettext_noop("%(model_name)s unscheduled for publishing at %(go_live_at)s"),
    gettext_noop("%(model_name)s unscheduled from publishing"),
    gettext_noop("No one can make changes while the %(model_name)s is locked"),
    gettext_noop("<b>'{title}' was locked</b> by <b>you</b> on <b>{datetime}</b>."),
    gettext_noop("<b>'{title}' is locked</b> by <b>you</b>."),
    gettext_noop("<b>'{title}' was locked</b> by <b>{user}</b> on <b>{datetime}</b>."),
    gettext_noop("<b>'{title}' is locked</b>."),
    gettext_noop("Locked by you"),
    gettext_noop("Locked by another user"),
    gettext_noop("Only you can make changes while the %(model_name)s is locked"),
    gettext_noop("Only %(user)s can make changes while the %(model_name)s is locked"),
    gettext_noop("Locked by workflow"),
    gettext_noop("Locked by schedule"),
    gettext_noop("Currently locked and will go live on the scheduled date"),
    gettext_noop(
        "{model_name} '{title}' is locked and has been scheduled to go live at {datetime}"
    ),
    gettext_noop("This %(model_name)s is currently awaiting moderation."),
    gettext_noop(
        "This {model_name} is awaiting <b>'{task_name}'</b> in the <b>'{workflow_name}'</b> workflow."
    ),
    gettext_noop("Only reviewers for this task can edit the %(model_name)s."),
    gettext_noop(
        "Reviewers can edit this %(model_name)s – lock it to prevent other reviewers from editing"
    ),
    gettext_noop("Only reviewers can edit and approve the %(model_name)s"),
    gettext_noop("Resubmitted '%(task)s'. Workflow resumed"),
    gettext_noop(
        "There may only be one in progress or needs changes workflow state per page/snippet."
    ),
    gettext_noop(
        "Active workflows can be added to pages/snippets. Deactivating a workflow does not remove it from existing pages/snippets."
    ),
    gettext_noop(
        "Pages/snippets at this step in a workflow will be moderated or approved by these groups of users"
    ),
    gettext_noop("Workflow '%(workflow_name)s' on %(model_name)s '%(title)s': %(status)s"),
    gettext_noop("Task '%(task_name)s' on Revision '%(revision_info)s': %(status)s"),
    gettext_noop("Private, accessible with a shared password"),
    gettext_noop("Private, accessible to any logged-in users"),
    gettext_noop("shared password"),
    gettext_noop("Removed the '%(restriction)s' view restriction. The page is public."),
    gettext_noop("the %(model_name)s will also be deleted"),
    gettext_noop("prevents deletion"),
    gettext_noop("will do nothing"),
    gettext_noop("may prevent deletion"),
    gettext_noop("will unset the reference"),
    gettext_noop("Unknown content type"),
    # wagtail/contrib/table_block
    gettext_noop("Table headers"),
    gettext_noop("Display the first row as a header"),
    gettext_noop("Display the first column as a header"),
    gettext_noop("Display the first row AND first column as headers"),
    gettext_noop("No headers"),
    gettext_noop("Which cells should be displayed as headers?"),
    gettext_noop(
        "A heading that identifies the overall topic of the table, and is useful for screen reader users."
    ),
    gettext_noop("Select a header option"),
    # wagtail/contrib/typed_table_block
    gettext_noop("Caption"),
    # wagtail/documents
    gettext_noop("Maximum filesize: %(max_upload_size)s."),
    gettext_noop("The document could not be created due to errors."),
    gettext_noop("The file could not be found. Please change the source or delete the document."),
    # wagtail/images
    gettext_noop("You haven't uploaded any images."),
    gettext_noop(
        "Please provide an image description to comply with best practices for accessibility."
    ),
    gettext_noop(
        "Upload successful. However, your new image seems to be a duplicate of this existing image. You may delete it if it wasn't required."
    ),
    gettext_noop("Image focal point"),
    # wagtail/users
    gettext_noop("Never"),
]
