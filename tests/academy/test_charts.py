"""academy/charts.py: a chart is an SVG and the same figures as a table."""

from django.urls import reverse

from academy.charts import Bar, bar_chart


def test_bar_chart_renders_svg_and_its_table():
    chart = bar_chart(
        [Bar("上海", 75), Bar("<杭州>", 12.5, "满")],
        title="各城市满座率",
        headings=["城市", "满座率"],
        maximum=100,
        unit="%",
        chart_id="fill",
    )
    svg = str(chart.svg)
    assert svg.startswith('<svg class="chart" role="img" aria-labelledby="fill-t fill-d"')
    assert '<title id="fill-t">各城市满座率</title>' in svg
    assert '<desc id="fill-d">上海: 75%; &lt;杭州&gt;: 12.5%</desc>' in svg
    assert svg.count("<rect") == 4  # a track and a bar per row
    html = str(chart)
    assert html.startswith(svg)
    assert "<details" in html and "<summary>" in html
    assert '<caption id="fill-table">各城市满座率</caption>' in html
    assert '<th scope="col">城市</th><th scope="col">满座率</th>' in html
    assert '<th scope="row">上海</th><td>75%</td>' in html
    assert '<th scope="row">&lt;杭州&gt;</th><td>12.5% · 满</td>' in html


def test_bar_chart_table_can_say_more_than_the_bars():
    chart = bar_chart(
        [Bar("创建", 40)],
        title="各方向级别",
        headings=["方向", "得分", "级别"],
        rows=[["创建", "40% (8/20)", "差距"]],
    )
    assert chart.rows == (("创建", "40% (8/20)", "差距"),)
    assert "<td>40% (8/20)</td><td>差距</td>" in str(chart)


def test_exam_statistics_page_draws_the_distribution_with_its_table(client, db):
    from django.contrib.auth.models import Group

    from academy import roles
    from certification.services import exams as exam_services
    from tests.certification.factories_exams import correct_answers, make_exam
    from tests.factories import UserFactory

    exam = make_exam(questions=2)
    user = UserFactory()
    attempt, _ = exam_services.start(user, exam)
    exam_services.save_answers(attempt.pk, user, correct_answers(attempt))
    exam_services.submit(attempt.pk, user)
    officer = UserFactory(is_staff=True)
    officer.groups.add(Group.objects.get(name=roles.CERTIFICATION_OFFICERS))
    client.force_login(officer)
    html = client.get(reverse("exams_admin:statistics", args=[exam.pk])).content.decode()
    assert 'aria-labelledby="exam-distribution-t exam-distribution-d"' in html
    assert '<th scope="row">90–100%</th><td>1</td>' in html
    assert '<th scope="row">0–9%</th><td>0</td>' in html
