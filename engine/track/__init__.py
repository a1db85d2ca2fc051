"""Track: bringing customers and events in (CSV import, the collector), identity, profiles,
segments and the tracking plan."""
