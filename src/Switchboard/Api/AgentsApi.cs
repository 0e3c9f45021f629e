using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Switchboard.Authorization;
using Switchboard.Admin;
using Switchboard.Kernel;

namespace Switchboard.Api;

public static class AgentsApi
{
    public static void MapAgents(this RouteGroupBuilder organization)
    {
        var agents = organization.MapGroup("").WithTags("Agents");
        agents.MapPost("/agents", Create).Allow(CallerRole.Admin)
            .WithName("CreateAgent").ProducesProblem(StatusCodes.Status409Conflict).WithSummary("Add an agent");
        agents.MapGet("/agents", List).Allow(CallerRole.Admin)
            .WithName("ListAgents").WithSummary("List the agents");
        agents.MapGet("/agents/{agentId:long}", Get).Allow(CallerRole.Admin, CallerRole.Agent)
            .WithName("GetAgent").WithSummary("Read an agent (an agent key reads only itself)");
        agents.MapPatch("/agents/{agentId:long}", Patch).Allow(CallerRole.Admin, CallerRole.Agent)
            .Accepts<AgentChanges>("application/json")
            .WithName("UpdateAgent")
            .ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Change the fields given (an agent key changes only its own phone)");
        agents.MapDelete("/agents/{agentId:long}", Delete).Allow(CallerRole.Admin)
            .WithName("DeleteAgent").WithSummary("Delete an agent; its calls stay in the log");
    }

    private static async Task<Results<Created<AgentAnswer>, ProblemHttpResult>> Create(
        long orgId, CreateAgent body, HttpContext http, AgentDirectory agents, CancellationToken ct) =>
        AdminAnswers.Created(
            await agents.CreateAsync(orgId, body, http.GetCaller(), ct),
            a => $"/api/v1/organizations/{orgId}/agents/{a.Id}");

    private static async Task<Ok<AgentAnswer[]>> List(
        long orgId,
        HttpContext http,
        AgentDirectory agents,
        CancellationToken ct) =>
        TypedResults.Ok(await agents.ListAsync(orgId, http.GetCaller(), ct));

    private static async Task<Results<Ok<AgentAnswer>, ProblemHttpResult>> Get(
        long orgId,
        long agentId,
        HttpContext http,
        AgentDirectory agents,
        CancellationToken ct) =>
        AdminAnswers.Ok(await agents.GetAsync(orgId, agentId, http.GetCaller(), ct));

    /// <summary>Changes only the fields present in the body; <c>"phone": null</c> removes the phone.</summary>
    private static async Task<Results<Ok<AgentAnswer>, ProblemHttpResult>> Patch(
        long orgId, long agentId, JsonElement body, HttpContext http, AgentDirectory agents, CancellationToken ct)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            return Problems.For(Refusal.OnField("body", "must be a JSON object"));
        }

        if (!HasValidText(body))
        {
            return Problems.For(Refusal.OnField("body", "holds text that is not valid UTF-8"));
        }

        var changes = new AgentChanges();
        var errors = new Dictionary<string, string[]>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var property in body.EnumerateObject())
        {
            var name = property.Name.ToLowerInvariant();
            if (!seen.Add(name))
            {
                return Problems.For(Refusal.OnField(name, "is given more than once"));
            }

            var value = property.Value;
            switch (name)
            {
                case "name":
                    changes = changes with { Name = StringOrEmpty(value) };
                    break;
                case "email":
                    changes = changes with { Email = StringOrEmpty(value) };
                    break;
                case "phone":
                    changes = changes with { Phone = value.ValueKind is JsonValueKind.Null
                        ? ""
                        : value.ValueKind is JsonValueKind.String ? value.GetString() : value.ToString() };
                    break;
                case "role":
                    changes = changes with { Role = StringOrEmpty(value) };
                    break;
                case "active" when value.ValueKind is JsonValueKind.True or JsonValueKind.False:
                    changes = changes with { Active = value.GetBoolean() };
                    break;
                case "active":
                    errors["active"] = ["must be true or false"];
                    break;
                default:
                    errors[property.Name] = ["is not a field of an agent"];
                    break;
            }
        }

        if (errors.Count > 0 && http.GetCaller().IsAdmin)
        {
            return Problems.For(new Refusal.Invalid(errors));
        }

        if (errors.Count > 0)
        {
            return Problems.Forbidden($"An agent may change only its own phone, not \"{errors.Keys.First()}\".");
        }

        return AdminAnswers.Ok(await agents.ChangeAsync(orgId, agentId, changes, http.GetCaller(), ct));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(
        long orgId,
        long agentId,
        AgentDirectory agents,
        CancellationToken ct) =>
        AdminAnswers.NoContent(await agents.DeleteAsync(orgId, agentId, ct));

    /// <summary>
    /// A <see cref="JsonElement"/> decodes its names and strings only when they are read, and throws then on bytes that
    /// are not UTF-8 or on a lone surrogate (<c>"\uD800"</c>): read them all once, before anything is done with them.
    /// </summary>
    private static bool HasValidText(JsonElement body)
    {
        try
        {
            foreach (var property in body.EnumerateObject())
            {
                _ = property.Name;
                if (property.Value.ValueKind == JsonValueKind.String)
                {
                    _ = property.Value.GetString();
                }
                else
                {
                    _ = property.Value.GetRawText();
                }
            }

            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>A string field; any other JSON value counts as empty, which the checks refuse.</summary>
    private static string StringOrEmpty(JsonElement value) =>
        value.ValueKind == JsonValueKind.String ? value.GetString() ?? "" : "";
}
