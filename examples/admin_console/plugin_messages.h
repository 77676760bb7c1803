// The plugin's errors as the Wise-Pay page shows them: the message at the
// top (with the correlation id), and each field error beside its field.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "form_view.h"
#include "page_document.h"
#include "plugin_host.h"

namespace admin_console {

PageMessage error_message(const PluginError &error);

// Field errors about fields the page shows go to `on_fields` (field ->
// sentence, several joined); one about a field it lacks (should the plugin
// ever report such a thing) goes to `others` as "field: sentence".
void split_field_errors(const PageDocument &page, const std::vector<FieldError> &errors,
                        std::map<std::string, std::string> &on_fields,
                        std::vector<std::string> &others);

// "Check the highlighted field." for the errors the console finds itself.
std::string check_fields_text(std::size_t field_count);

}  // namespace admin_console
