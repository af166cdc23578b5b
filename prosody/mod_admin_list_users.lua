-- mod_admin_list_users: lists the host's accounts over XMPP, as XEP-0133
-- (Service Administration) ad-hoc commands at the host JID:
--
--   http://jabber.org/protocol/admin#get-registered-users-list  (registereduserjids)
--   http://jabber.org/protocol/admin#get-registered-users-num   (registeredusersnum)
--   http://jabber.org/protocol/admin#get-disabled-users-list    (disableduserjids)
--   http://jabber.org/protocol/admin#get-disabled-users-num     (disabledusersnum)
--
-- The list commands take XEP-0133's max_items (25 … 200, or "none"; any
-- positive number is accepted) and return the JIDs sorted by name. An
-- optional field of this module's own, "after" (a JID or user name), starts
-- the list after that name: a client pages through a big host with max_items
-- and the last JID of the page before (one answer for 200,000 accounts would
-- be several megabytes). No stock Prosody 13 module answers these nodes.
--
-- Like mod_admin_adhoc's commands, each node has a permission of its own,
-- "adhoc:<node>", given to prosody:admin by default. Grant it to other roles
-- with, e.g.:
--   add_permissions = { ["prosody:operator"] = {
--     "adhoc:http://jabber.org/protocol/admin#get-registered-users-list" } }

local usermanager = require "prosody.core.usermanager";
local dataforms_new = require "prosody.util.dataforms".new;
local jid_bare = require "prosody.util.jid".bare;
local jid_node = require "prosody.util.jid".node;

module:depends("adhoc");
local adhoc_new = module:require "adhoc".new;

local host = module.host;
local xmlns_admin = "http://jabber.org/protocol/admin";

-- The host's usernames, sorted; with only_disabled, those of disabled
-- accounts; with after, only the names sorting after it.
local function usernames(only_disabled, after)
	local names = {};
	for username in usermanager.users(host) do
		if (not after or username > after)
			and (not only_disabled or usermanager.user_is_enabled(username, host) == false) then
			names[#names + 1] = username;
		end
	end
	table.sort(names);
	return names;
end

local function max_items_of(fields)
	local n = tonumber(fields.max_items);
	if n and n >= 1 then return math.floor(n); end
	return nil; -- "none", absent or not a number: no limit
end

local function audit(data, what, count)
	module:log("info", "%s listed by %s: %d", what, jid_bare(data.from) or "?", count);
end

local function list_command(name, node, result_var, result_label, only_disabled)
	local layout = dataforms_new{
		title = name;
		instructions = "How many users should be returned at most?";
		{ name = "FORM_TYPE", type = "hidden", value = xmlns_admin };
		{ name = "max_items", type = "list-single", label = "Maximum number of items to show",
			options = { "25", "50", "75", "100", "150", "200", "none" } };
		{ name = "after", type = "text-single", label = "Start after this account (for the next page)" };
	};
	local result_layout = dataforms_new{
		{ name = "FORM_TYPE", type = "hidden", value = xmlns_admin };
		{ name = result_var, type = "jid-multi", label = result_label };
	};
	local function handler(_, data, state)
		if not (state or data.form) then
			return { status = "executing", actions = { "next", "complete", default = "complete" }, form = layout }, "executing";
		end
		if data.action == "cancel" then return { status = "canceled" }; end
		local fields, err = layout:data(data.form);
		if err then
			local messages = {};
			for field, text in pairs(err) do messages[#messages + 1] = field .. ": " .. text; end
			return { status = "completed", error = { message = table.concat(messages, "\n") } };
		end
		local after = fields.after and fields.after ~= "" and (jid_node(fields.after) or fields.after) or nil;
		local names, max_items, jids = usernames(only_disabled, after), max_items_of(fields), {};
		for i, username in ipairs(names) do
			if max_items and i > max_items then break; end
			jids[i] = username .. "@" .. host;
		end
		audit(data, name, #jids);
		return { status = "completed", result = { layout = result_layout, values = { [result_var] = jids } } };
	end
	return adhoc_new(name, node, handler, "admin");
end

local function num_command(name, node, result_var, result_label, only_disabled)
	local result_layout = dataforms_new{
		{ name = "FORM_TYPE", type = "hidden", value = xmlns_admin };
		{ name = result_var, type = "text-single", label = result_label };
	};
	local function handler(_, data)
		if data.action == "cancel" then return { status = "canceled" }; end
		local count = #usernames(only_disabled);
		audit(data, name, count);
		return { status = "completed", result = { layout = result_layout, values = { [result_var] = tostring(count) } } };
	end
	return adhoc_new(name, node, handler, "admin");
end

module:provides("adhoc", list_command("Get List of Registered Users", xmlns_admin .. "#get-registered-users-list",
	"registereduserjids", "The list of all users", false));
module:provides("adhoc", num_command("Get Number of Registered Users", xmlns_admin .. "#get-registered-users-num",
	"registeredusersnum", "The number of registered users", false));
module:provides("adhoc", list_command("Get List of Disabled Users", xmlns_admin .. "#get-disabled-users-list",
	"disableduserjids", "The list of all disabled users", true));
module:provides("adhoc", num_command("Get Number of Disabled Users", xmlns_admin .. "#get-disabled-users-num",
	"disabledusersnum", "The number of disabled users", true));
