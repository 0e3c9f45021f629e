namespace Switchboard.Routing;

public enum OrganizationMode { LastAgent, Forward }

public enum GroupMode { FollowOrganization, LastAgent, Forward }

public enum InboxMode { Reject, Forward }

public enum AgentState { Active, Inactive, Deleted }
