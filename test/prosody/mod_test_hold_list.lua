-- mod_test_hold_list (xmgr TEST ONLY, test/security/faults.test.ts)
--
-- Never answers the manage-clients list request of an account whose name starts with "hold",
-- and logs "holding the list request of <name>", so a test can stop Prosody while xmgr waits
-- for that answer. Load it on the VirtualHost beside client_management.

module:hook("iq-get/self/xmpp:prosody.im/protocol/manage-clients:list", function (event)
	local username = event.origin.username;
	if username and username:match("^hold") then
		module:log("info", "holding the list request of %s", username);
		return true;
	end
end, 10);
