#pragma once
// The API's documents as PostgreSQL builds them, shared by the statements that return them.
// json_build_object copies a json column's text as it is: numbers keep their digits and strings
// their escapes. Arguments are table aliases.

// {"id", "title", "origin", "intensifier", "notes": [...]}; NULL notes are an empty array.
#define COFFEEHOUSE_COFFEE_DOCUMENT(c)                                                             \
  "json_build_object('id', " c ".id, 'title', " c ".title, 'origin', " c ".origin, 'intensifier', " \
  c ".intensifier, 'notes', coalesce(to_json(" c ".notes), '[]'::json))"

// {"id", "name", "surname", "patronomic", "has_sale", "address", "coffee"}; coffee is the user's
// coffee (alias c, from a LEFT JOIN) or null.
#define COFFEEHOUSE_USER_DOCUMENT(u, c)                                                               \
  "json_build_object('id', " u ".id, 'name', " u ".name, 'surname', " u ".surname, 'patronomic', " u  \
  ".patronomic, 'has_sale', " u ".has_sale, 'address', " u ".address, 'coffee', CASE WHEN " c         \
  ".id IS NULL THEN NULL ELSE " COFFEEHOUSE_COFFEE_DOCUMENT(c) " END)"
