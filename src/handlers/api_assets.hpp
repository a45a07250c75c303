#pragma once
// The API description and its docs page, embedded at build time from docs/openapi.yaml
// (cmake/embed_api_assets.py writes the definitions): what /openapi.json and /docs serve can
// never be out of date with the file.
#include <string_view>

namespace coffeehouse::handlers::api_assets {

// docs/openapi.yaml as compact JSON.
extern const std::string_view openapi_json;
// The self-contained HTML page Redocly's build-docs renders from it (no script fetched at run time).
extern const std::string_view docs_html;

}  // namespace coffeehouse::handlers::api_assets
