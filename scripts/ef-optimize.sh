#!/usr/bin/env bash
# Regenerates the compiled EF Core models (src/Switchboard/CompiledModels/{Sqlite,Postgres}) from the model that
# OnModelCreating builds. Run it in the same commit as any model change, beside the two migrations:
# CompiledModelTests fails while a compiled model differs from the model the code builds.
#   scripts/ef-optimize.sh
set -euo pipefail
cd "$(dirname "$0")/../src/Switchboard"
dotnet tool restore >/dev/null
# Built once, with the compiled models still in place: Program.cs names them, so the project does not build while
# they are deleted. When an entity type is removed, delete its two *EntityType.cs files and their lines in the two
# *ModelBuilder.cs files first, so that this build succeeds.
dotnet build -nologo -v quiet
for provider in Sqlite Postgres; do
  rm -rf "CompiledModels/$provider"
  dotnet ef dbcontext optimize --no-build --context "${provider}SwitchboardDb" --output-dir "CompiledModels/$provider" \
    --namespace "Switchboard.CompiledModels.$provider" >/dev/null
  # Without the assembly attribute EF would also find the compiled model on its own, at design time too (migrations
  # add would then diff against it); the app asks for it by name in Program.cs instead.
  rm "CompiledModels/$provider/${provider}SwitchboardDbAssemblyAttributes.cs"
done
echo "regenerated src/Switchboard/CompiledModels/{Sqlite,Postgres}"
