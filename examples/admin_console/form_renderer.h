// Draws the integration page's main section from the page document alone:
// the menu > title breadcrumb, the description, the page message (with a
// summary of the field errors, linked to their fields), and one input per
// field chosen by its ui widget, then one button per ui action. A field with
// an error is highlighted, marked aria-invalid and, the first of them,
// focused when the page loads. What the console adds around the form (the
// health banner, the history) arrives as ready HTML in the FormView.
#pragma once

#include <string>

#include "form_view.h"
#include "page_document.h"

namespace admin_console {

std::string render_integration_section(const PageDocument &page, const FormView &view);

}  // namespace admin_console
