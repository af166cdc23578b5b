-- mod_admin_roles: shows and sets an account's primary role over XMPP, as prosodyctl shell's
-- user:role(jid) and user:set_role(jid, role) do on the server itself. Ad-hoc commands at the
-- host JID (no stock Prosody 13 module offers a remote way to set a role):
--
--   xmgr:roles#get-user-role  accountjid → role (primary), secondaryroles, defaultrole
--   xmgr:roles#set-user-role  accountjid, role (empty: the host's default_provisioned_role,
--                              prosody:member unless set, as prosodyctl shell user:create gives)
--
-- Both need prosody:admin by default (permissions "adhoc:<node>", as mod_admin_adhoc's commands).
-- Setting a role is also refused when the new role, or the account's current one, ranks above
-- the requester's own (role priority): a host admin cannot make an operator, nor demote one.

local usermanager = require "prosody.core.usermanager";
local dataforms_new = require "prosody.util.dataforms".new;
local jid_split = require "prosody.util.jid".split;
local jid_bare = require "prosody.util.jid".bare;

module:depends("adhoc");
local adhoc_new = module:require "adhoc".new;

local host = module.host;
local xmlns_roles = "xmgr:roles";
local default_role = module:get_option_string("default_provisioned_role", "prosody:member");

local function error_result(message)
	return { status = "completed", error = { message = message } };
end

local function form_errors(err)
	local messages = {};
	for field, text in pairs(err) do messages[#messages + 1] = field .. ": " .. text; end
	table.sort(messages);
	return table.concat(messages, "\n");
end

-- The local account a form names, or nil and the error text.
local function account_of(accountjid)
	local username, account_host, resource = jid_split(accountjid);
	if account_host ~= host then
		return nil, "Trying to use a role of an account on " .. tostring(account_host) .. " but command was sent to " .. host;
	elseif not username or resource then
		return nil, "accountjid: expected an account's bare JID";
	elseif not usermanager.user_exists(username, host) then
		return nil, "User does not exist";
	end
	return username;
end

local function role_names()
	local names = {};
	for name in pairs(usermanager.get_all_roles(host) or {}) do names[#names + 1] = name; end
	table.sort(names);
	return names;
end

local function priority_of(role)
	return role and role.priority or 0;
end

local get_layout = dataforms_new{
	title = "Get User Role";
	{ name = "FORM_TYPE", type = "hidden", value = xmlns_roles };
	{ name = "accountjid", type = "jid-single", required = true, label = "The account" };
};
local get_result_layout = dataforms_new{
	{ name = "FORM_TYPE", type = "hidden", value = xmlns_roles };
	{ name = "accountjid", type = "jid-single", label = "The account" };
	{ name = "role", type = "text-single", label = "Primary role" };
	{ name = "secondaryroles", type = "text-multi", label = "Secondary roles" };
	{ name = "defaultrole", type = "text-single", label = "Role given to new accounts" };
};

local function get_role_handler(_, data, state)
	if not (state or data.form) then
		return { status = "executing", actions = { "complete" }, form = get_layout }, "executing";
	end
	if data.action == "cancel" then return { status = "canceled" }; end
	local fields, err = get_layout:data(data.form);
	if err then return error_result(form_errors(err)); end
	local username, problem = account_of(fields.accountjid);
	if not username then return error_result(problem); end
	local role = usermanager.get_user_role(username, host);
	local secondary = {};
	for name in pairs(usermanager.get_user_secondary_roles(username, host) or {}) do secondary[#secondary + 1] = name; end
	table.sort(secondary);
	return { status = "completed", result = { layout = get_result_layout, values = {
		accountjid = username .. "@" .. host;
		role = role and role.name or "";
		secondaryroles = table.concat(secondary, "\n");
		defaultrole = default_role;
	} } };
end

local set_layout = dataforms_new{
	title = "Set User Role";
	{ name = "FORM_TYPE", type = "hidden", value = xmlns_roles };
	{ name = "accountjid", type = "jid-single", required = true, label = "The account" };
	{ name = "role", type = "text-single", label = "The new primary role (empty: the role new accounts get)" };
};
local set_result_layout = dataforms_new{
	{ name = "FORM_TYPE", type = "hidden", value = xmlns_roles };
	{ name = "accountjid", type = "jid-single", label = "The account" };
	{ name = "role", type = "text-single", label = "Primary role" };
};

local function set_role_handler(_, data, state)
	if not (state or data.form) then
		return { status = "executing", actions = { "complete" }, form = set_layout }, "executing";
	end
	if data.action == "cancel" then return { status = "canceled" }; end
	local fields, err = set_layout:data(data.form);
	if err then return error_result(form_errors(err)); end
	local username, problem = account_of(fields.accountjid);
	if not username then return error_result(problem); end
	local role_name = fields.role;
	if role_name == nil or role_name == "" then role_name = default_role; end
	-- (get_role_by_name raises an error for an unknown name; the registry says it plainly.)
	local new_role = (usermanager.get_all_roles(host) or {})[role_name];
	if not new_role then
		return error_result("Unknown role: " .. role_name .. " (roles on " .. host .. ": " .. table.concat(role_names(), ", ") .. ")");
	end
	local actor_role = usermanager.get_jid_role(jid_bare(data.from), host);
	local current = usermanager.get_user_role(username, host);
	if priority_of(new_role) > priority_of(actor_role) or priority_of(current) > priority_of(actor_role) then
		return error_result("Forbidden: only an account whose own role ranks at least as high may give "
			.. role_name .. " to " .. username .. "@" .. host .. " (now " .. (current and current.name or "none") .. ")");
	end
	local ok, set_err = usermanager.set_user_role(username, host, role_name);
	if not ok then return error_result("Could not set the role: " .. tostring(set_err)); end
	local now = usermanager.get_user_role(username, host);
	module:log("info", "Role of %s@%s set to %s by %s", username, host, role_name, jid_bare(data.from) or "?");
	return { status = "completed", result = { layout = set_result_layout, values = {
		accountjid = username .. "@" .. host;
		-- The role in effect: an account listed in the config's admins keeps that role whatever is stored.
		role = now and now.name or role_name;
	} } };
end

module:provides("adhoc", adhoc_new("Get User Role", xmlns_roles .. "#get-user-role", get_role_handler, "admin"));
module:provides("adhoc", adhoc_new("Set User Role", xmlns_roles .. "#set-user-role", set_role_handler, "admin"));
