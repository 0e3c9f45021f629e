using System.Collections;
using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Switchboard.Storage;

/// <summary>
/// Inserts new entities and the entities of their collections (a call record and its events) with statements
/// written once from the EF Core model, outside its change tracker: the hot path of routing stores a record per
/// call, and saving through the change tracker cost more than the rest of the call (snapshots, a command built and
/// parsed anew per batch). Columns, conversions and parameter types are the model's, so a new property is stored
/// without a change here. A row whose unique key is taken already is skipped and reported, not an error.
/// </summary>
/// <remarks>
/// On SQLite each statement is prepared once per connection and run per row (no round trips to save); on
/// PostgreSQL the rows of a batch go as one <see cref="DbBatch"/>, one round trip.
/// </remarks>
public sealed class RowInserter
{
    private readonly Dictionary<IEntityType, Statement> _statements = [];
    private readonly DbConnection _connection;

    private RowInserter(DbConnection connection) => _connection = connection;

    /// <summary>An inserter for the context's open connection; keep it as long as that connection.</summary>
    public static RowInserter On(DbContext db) => new(db.Database.GetDbConnection());

    /// <summary>
    /// Inserts the entities in order, then their collections' entities with their foreign keys set, inside the
    /// context's current transaction. Returns the entities stored, their generated keys set; the others were
    /// stored already (a unique key such as a CallSid taken).
    /// </summary>
    public async Task<List<T>> InsertAsync<T>(DbContext db, IReadOnlyList<T> entities, CancellationToken ct)
        where T : class
    {
        var type = db.Model.FindEntityType(typeof(T))
            ?? throw new InvalidOperationException($"{typeof(T).Name} is not mapped");
        var transaction = db.Database.CurrentTransaction?.GetDbTransaction()
            ?? throw new InvalidOperationException("Rows are inserted inside a transaction");
        var stored = await InsertRowsAsync(type, entities, transaction, ct);
        var parentKey = Getter(type.FindPrimaryKey()!.Properties.Single());
        foreach (var navigation in type.GetNavigations().Where(n => n.IsCollection))
        {
            var foreignKey = navigation.ForeignKey.Properties.Single();
            var children = new List<object>();
            foreach (var parent in stored)
            {
                var key = parentKey(parent);
                foreach (var child in (IEnumerable)Getter(navigation)(parent)!)
                {
                    Set(foreignKey, child, key);
                    children.Add(child);
                }
            }

            if (children.Count > 0)
            {
                await InsertRowsAsync(navigation.TargetEntityType, children, transaction, ct);
            }
        }

        return stored;
    }

    private async Task<List<T>> InsertRowsAsync<T>(
        IEntityType type, IReadOnlyList<T> rows, DbTransaction transaction, CancellationToken ct)
        where T : class
    {
        if (!_statements.TryGetValue(type, out var statement))
        {
            _statements[type] = statement = new Statement(type);
        }

        var stored = new List<T>(rows.Count);
        if (_connection.CanCreateBatch)
        {
            await using var batch = _connection.CreateBatch();
            batch.Transaction = transaction;
            foreach (var row in rows)
            {
                var command = batch.CreateBatchCommand();
                command.CommandText = statement.Sql;
                statement.Bind(command.Parameters, command.CreateParameter, row);
                batch.BatchCommands.Add(command);
            }

            await using var reader = await batch.ExecuteReaderAsync(ct);
            foreach (var row in rows)
            {
                if (await reader.ReadAsync(ct))
                {
                    statement.SetKey(row, reader.GetValue(0));
                    stored.Add(row);
                }

                await reader.NextResultAsync(ct);
            }

            return stored;
        }

        var prepared = statement.Prepared ??= Prepare(statement);
        prepared.Transaction = transaction;
        foreach (var row in rows)
        {
            statement.Bind(prepared.Parameters, prepared.CreateParameter, row);
            if (await prepared.ExecuteScalarAsync(ct) is { } key and not DBNull)
            {
                statement.SetKey(row, key);
                stored.Add(row);
            }
        }

        return stored;
    }

    /// <summary>
    /// Reads a property as EF Core does, through its backing field when it has one. Plain reflection rather than EF
    /// Core's getters: those are compiled expressions, and compiling them was the largest part of a start's first
    /// call (~60 ms), for tens of nanoseconds a column that a call does not notice.
    /// </summary>
    private static Func<object, object?> Getter(IPropertyBase property) =>
        property.FieldInfo is { } field ? field.GetValue : property.PropertyInfo!.GetValue;

    /// <summary>Sets a property as EF Core does when it reads a row: through its backing field.</summary>
    private static void Set(IProperty property, object row, object? value)
    {
        if (property.FieldInfo is { } field)
        {
            field.SetValue(row, value);
        }
        else
        {
            property.PropertyInfo!.SetValue(row, value);
        }
    }

    private DbCommand Prepare(Statement statement)
    {
        var command = _connection.CreateCommand();
        command.CommandText = statement.Sql;
        return command;
    }

    /// <summary>The INSERT of one entity type, written from the model once.</summary>
    private sealed class Statement
    {
        private readonly Column[] _columns;
        private readonly IProperty _key;

        public Statement(IEntityType type)
        {
            var table = StoreObjectIdentifier.Table(type.GetTableName()!, type.GetSchema());
            _key = type.FindPrimaryKey()!.Properties.Single();
            var properties = type.GetProperties().Where(p => p != _key && !p.IsShadowProperty()).ToList();
            _columns =
                [.. properties.Select((p, i) => new Column($"@p{i}", Getter(p), p.GetTypeMapping().Converter))];
            var names = string.Join(", ", properties.Select(p => Quote(p.GetColumnName(table)!)));
            var values = string.Join(", ", _columns.Select(c => c.Parameter));
            Sql = $"INSERT INTO {Quote(table.Name)} ({names}) VALUES ({values}) ON CONFLICT DO NOTHING " +
                $"RETURNING {Quote(_key.GetColumnName(table)!)}";
        }

        public string Sql { get; }

        /// <summary>On SQLite: the command kept for this connection, whose statement SQLite keeps prepared.</summary>
        public DbCommand? Prepared { get; set; }

        /// <summary>
        /// The row's values as the provider stores them (enums as words or numbers, as mapped), into the parameters
        /// a kept command already has, or new ones.
        /// </summary>
        public void Bind(DbParameterCollection parameters, Func<DbParameter> create, object row)
        {
            for (var i = 0; i < _columns.Length; i++)
            {
                var column = _columns[i];
                var value = column.Get(row);
                if (value is not null && column.Converter is { } converter)
                {
                    value = converter.ConvertToProvider(value);
                }

                if (i == parameters.Count)
                {
                    var added = create();
                    added.ParameterName = column.Parameter;
                    parameters.Add(added);
                }

                parameters[i].Value = value ?? DBNull.Value;
            }
        }

        public void SetKey(object row, object key) => Set(_key, row, Convert.ChangeType(key, _key.ClrType));

        private static string Quote(string name) => $"\"{name}\"";
    }

    private sealed record Column(string Parameter, Func<object, object?> Get, ValueConverter? Converter);
}
