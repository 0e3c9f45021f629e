using System.Data.Common;

namespace Switchboard.Storage;

public static class DbCommandParameters
{
    /// <summary>Adds a named parameter with its value to a plain statement (the provider infers its type).</summary>
    public static void AddParameter(this DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}
