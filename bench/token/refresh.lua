-- wrk script: POST the authorizer token refresh of the component API.
wrk.method = "POST"
wrk.body = os.getenv("KF_BODY")
