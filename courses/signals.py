"""Signals the courses app sends for others (certification listens to `course_completed`)."""

from django.dispatch import Signal

# Sent once per learner and course, inside the transaction that records the completion: a
# receiver records its follow-up work with academy.outbox.enqueue, so the work commits (or rolls
# back) with the completion and survives a process that dies right after the commit. Receivers
# do no I/O of their own (they run while the enrolment row is locked).
# Keyword arguments: user, course (CoursePage), completed_at (aware datetime).
course_completed = Signal()

# Sent when a question's asker accepts a certified lecturer's answer, inside that transaction
# (same rules as above: receivers record follow-up work with academy.outbox.enqueue).
# Keyword arguments: answer (courses.questions.Answer), lecturer_user (the answer's author).
answer_accepted = Signal()
