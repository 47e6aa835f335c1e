# Any Channel service's image, built from the repository root:
#   docker build --build-arg SERVICE=Partners -t channel/partners .
# SERVICE: Partners, Distributors, Deals, Reporting, Notifications, Identity, Pricing, Compliance or Gateway.
# The image holds no secret: connection strings, keys and passwords come from the environment when it runs.
ARG SERVICE=Partners

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
ARG SERVICE
WORKDIR /src
# The restore layer: the project files and the package versions only, so a change to the code does not fetch packages again.
COPY Directory.Build.props Directory.Packages.props .editorconfig ./
COPY shared/Channel.Contracts/Channel.Contracts.csproj shared/Channel.Contracts/
COPY shared/Channel.Hosting/Channel.Hosting.csproj shared/Channel.Hosting/
COPY shared/Channel.Messaging/Channel.Messaging.csproj shared/Channel.Messaging/
COPY services/${SERVICE}/Channel.${SERVICE}.csproj services/${SERVICE}/
RUN dotnet restore services/${SERVICE}/Channel.${SERVICE}.csproj
COPY shared/ shared/
COPY services/${SERVICE}/ services/${SERVICE}/
RUN dotnet publish services/${SERVICE}/Channel.${SERVICE}.csproj -c Release --no-restore -o /app -p:UseAppHost=false

FROM mcr.microsoft.com/dotnet/aspnet:10.0
ARG SERVICE
WORKDIR /app
COPY --from=build /app .
ENV ASPNETCORE_URLS=http://0.0.0.0:8080 \
    ASPNETCORE_ENVIRONMENT=Production \
    CHANNEL_SERVICE_DLL=Channel.${SERVICE}.dll
EXPOSE 8080
# The image's unprivileged user (uid 1654); the file system can be mounted read-only (the process writes nowhere but /tmp).
USER $APP_UID
# Arguments go to the service: `migrate` runs its database migrations and exits (the Kubernetes Job does that).
ENTRYPOINT ["sh", "-c", "exec dotnet /app/$CHANNEL_SERVICE_DLL \"$@\"", "channel"]
