"""The list's filters panel, column chooser and page size: refilled from the URL, escaped."""

from __future__ import annotations

from list_app import signed_in


def controls(html: str) -> str:
    return html.split('<form id="list-form"')[1].split("</form>")[0]


def test_the_controls_show_the_list_as_the_url_asks(admin_app):
    client = signed_in(admin_app)
    html = controls(
        client.get(
            "/admin/list_orders/?f.paid=0&f.customer_id=3&f.total.min=2.5&f.weight.null=1"
            "&cols=id&cols=total&size=5"
        ).get_data(as_text=True)
    )
    assert "<summary>Filters (4)</summary>" in html
    assert '<option value="0" selected>No</option>' in html
    assert '<option value="1">Yes</option>' in html
    assert '<input id="f-customer_id" name="f.customer_id" value="3"' in html
    assert 'hx-get="/admin/list_orders/autocomplete/customer_id"' in html
    assert 'name="f.total.min" value="2.5" step="any"' in html
    assert 'name="f.total.max" value="" step="any"' in html
    assert '<input type="date" name="f.placed_on.min" value="">' in html
    assert '<option value="1" selected>Empty</option>' in html
    assert 'value="id" checked> Id' in html and 'value="reference"> Reference' in html
    assert '<option value="5" selected>5</option>' in html
    assert '<option value="10">10</option>' in html
    plain = controls(client.get("/admin/list_orders/").get_data(as_text=True))
    assert "<summary>Filters</summary>" in plain and " selected" not in plain.replace(
        '<option value="10" selected>', ""
    )


def test_request_text_in_the_controls_is_escaped(admin_app):
    client = signed_in(admin_app)
    html = controls(
        client.get("/admin/list_customers/?f.team=%22%3E%3Cb%3Ex&f.tier=gold").get_data(
            as_text=True
        )
    )
    assert "<b>" not in html
    assert '<input id="f-team" name="f.team" value="&#34;&gt;&lt;b&gt;x">' in html
    assert 'name="f.tier" value="gold" checked> gold' in html
    assert 'name="f.tier" value="silver"> silver' in html
