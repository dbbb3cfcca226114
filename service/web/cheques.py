"""The cheque stock page: books received, what left them, a new book entered."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from service.aids.cheque_accompagnement import stock
from service.errors import InvalidInputError
from service.models import ChequeNature
from service.web.forms.cheques import ChequeBookForm

bp = Blueprint("cheques", __name__, url_prefix="/cheques")


@bp.route("/stock", methods=["GET", "POST"])
@login_required
def stock_page() -> Response | tuple[str, int]:
    form = ChequeBookForm()
    if form.validate_on_submit():
        try:
            book = stock.register_book(
                actor=current_user,
                series=form.series.data,
                first_number=form.first_number.data,
                last_number=form.last_number.data,
                face_value_cents=form.face_value.cents or 0,
                nature=ChequeNature(form.nature.data),
            )
        except InvalidInputError as error:
            form.refuse(error)
        else:
            flash(f"Le carnet {book.series} ({book.size} chèques) est entré en stock.", "success")
            return redirect("/cheques/stock")
    status = 422 if form.errors or form.form_errors else 200
    books, movements = stock.stock(actor=current_user), stock.movements(actor=current_user)
    return render_template("cheques/stock.html", books=books, movements=movements, form=form), status
