// A PluginError as the page shows it: its message and correlation id, and
// its field errors, several on one field joined with a space.
#include "plugin_messages.h"

namespace admin_console {

PageMessage error_message(const PluginError &error) {
    PageMessage message;
    message.kind = PageMessage::Kind::kError;
    message.text = error.message;
    message.correlation_id = error.correlation_id;
    return message;
}

void split_field_errors(const PageDocument &page, const std::vector<FieldError> &errors,
                        std::map<std::string, std::string> &on_fields,
                        std::vector<std::string> &others) {
    for (const auto &error : errors) {
        if (page.find_field(error.field) != nullptr) {
            std::string &text = on_fields[error.field];
            text += text.empty() ? error.message : " " + error.message;
        } else {
            others.push_back(error.field + ": " + error.message);
        }
    }
}

std::string check_fields_text(std::size_t field_count) {
    return field_count == 1 ? "Check the highlighted field." : "Check the highlighted fields.";
}

}  // namespace admin_console
