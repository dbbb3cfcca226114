"""The figures page (charts and their tables), its CSV exports, and the board's yearly report."""

from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response as BaseResponse

from service import clock
from service.config import local_zone
from service.errors import InvalidInputError
from service.stats import charts, formats
from service.stats import service as stats
from service.stats.figures import Split
from service.stats.period import Period
from service.web.forms.statistics import PeriodForm, ReportForm

bp = Blueprint("statistics", __name__, url_prefix="/statistiques")


def _chosen(form: PeriodForm) -> tuple[Period, Split]:
    """The period and split asked for; the past twelve months by commune unless told otherwise."""
    default = stats.today()
    split = Split(form.repartition.data) if form.repartition.data in set(Split) else Split.COMMUNE
    if form.errors:
        return default, split
    return Period(form.debut.data or default.start, form.fin.data or default.end), split


@bp.route("/")
@login_required
def index() -> tuple[str, int]:
    form = PeriodForm(request.args)
    form.validate()
    try:
        period, split = _chosen(form)
    except InvalidInputError as error:
        form.form_errors.append(error.message)
        period, split = stats.today(), Split.COMMUNE
    page = stats.page(actor=current_user, period=period, split=split)
    return render_template(
        "statistics/index.html",
        form=form,
        page=page,
        charts=charts,
        formats=formats,
        query={"debut": period.start.isoformat(), "fin": period.end.isoformat(), "repartition": split.value},
    ), 422 if form.form_errors or form.errors else 200


def _csv(content: bytes, filename: str) -> Response:
    response = Response(content, mimetype="text/csv")
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.route("/export.csv")
@login_required
def export_csv() -> Response:
    form = PeriodForm(request.args)
    form.validate()
    period, split = _chosen(form)
    content = stats.export_csv(actor=current_user, period=period, split=split)
    return _csv(content, f"statistiques-{period.start:%Y%m%d}-{period.end:%Y%m%d}.csv")


@bp.route("/abs.csv")
@login_required
def abs_extract() -> Response:
    form = PeriodForm(request.args)
    form.validate()
    period, _ = _chosen(form)
    content = stats.abs_extract(actor=current_user, period=period)
    return _csv(content, f"abs-{period.start:%Y%m%d}-{period.end:%Y%m%d}.csv")


@bp.route("/rapport", methods=["GET", "POST"])
@login_required
def report() -> BaseResponse | tuple[str, int]:
    form = ReportForm()
    if request.method == "GET":
        form.year.data = clock.now().astimezone(local_zone()).year - 1
    if form.validate_on_submit():
        try:
            document = stats.issue_report(
                actor=current_user, year=form.year.data, commentary=form.commentary()
            )
        except InvalidInputError as error:
            form.refuse(error)
        else:
            flash(f"{document.title} émis et conservé.", "success")
            return redirect(url_for("statistics.report"))
    status = 422 if form.errors or form.form_errors else 200
    return render_template(
        "statistics/report.html", form=form, reports=stats.reports(actor=current_user)
    ), status
