// Draws the integration page's main section from the page document alone:
// the menu > title breadcrumb, the description, the page message, and one
// input per field chosen by its ui widget, then one button per ui action.
#pragma once

#include <string>

#include "form_view.h"
#include "page_document.h"

namespace admin_console {

std::string render_integration_section(const PageDocument &page, const FormView &view);

}  // namespace admin_console
