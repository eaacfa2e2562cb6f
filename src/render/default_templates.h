// The built-in template set (this project's own text under the reference's names) and the magic
// names that mean "send the Data JSON" instead of a template.
#pragma once

#include <string_view>

namespace nm::render {

// Every built-in define: nm.default.message(.cn), nm.default.subject, nm.subject,
// nm.default.text, nm.default.markdown, nm.feishu.post/.message/.text, nm.default.html, nm.html.
std::string_view defaultTemplateText();

// webhook.default.message and nm.default.history: JSON-encoded Data, not templates.
bool isJsonDataTemplate(std::string_view name);

}  // namespace nm::render
